import { Injectable } from '@nestjs/common';
import type { CreateLeadInput, Lead } from '@salesboard/shared';
import { forbidden } from '../auth/auth.guard.js';
import { canWriteFor } from '../auth/principal.js';
import { badField } from '../common/errors.js';
import { EventWriter } from '../events/event-writer.service.js';
import type { ChangeContext } from '../auth/change-context.js';
import { checkReferencedDeal } from '../deals/deal.query.js';
import { RepEntity } from '../org/org.entities.js';
import { LeadEntity } from './lead.entity.js';

@Injectable()
export class LeadsService {
  constructor(private readonly writer: EventWriter) {}

  create(input: CreateLeadInput, context: ChangeContext): Promise<Lead> {
    return this.writer.transaction(context, async (tx) => {
      // A rep's lead is their own; without a rep a lead counts for the whole organisation, which
      // canWriteFor leaves to admins and write keys (a manager names a rep of their teams).
      const principal = context.principal;
      const repId = input.repId ?? (principal?.role === 'rep' ? principal.repId : null);
      const rep = repId ? await tx.manager.findOneBy(RepEntity, { id: repId }) : null;
      if (principal && !canWriteFor(principal, { repId, teamId: rep?.teamId ?? null })) {
        throw forbidden('authorization: repId: reps log leads for themselves, managers for a rep of their teams');
      }
      if (repId && !rep) throw badField('repId', `no rep with id ${repId}`);
      if (input.convertedDealId) await checkReferencedDeal(tx.manager, context.principal, input.convertedDealId, 'convertedDealId');
      const now = new Date();
      const entity = tx.manager.create(LeadEntity, {
        source: input.source,
        status: input.status ?? (input.convertedDealId ? 'converted' : 'new'),
        repId,
        convertedDealId: input.convertedDealId ?? null,
        createdAt: now,
        updatedAt: now,
      });
      await tx.manager.insert(LeadEntity, entity);
      const lead = mapLead(entity);
      tx.emit('lead.changed', { lead });
      return lead;
    });
  }
}

export function mapLead(l: LeadEntity): Lead {
  return { id: l.id, source: l.source, status: l.status, repId: l.repId, createdAt: l.createdAt.toISOString(), convertedDealId: l.convertedDealId };
}
