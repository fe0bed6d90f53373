import { Injectable } from '@nestjs/common';
import type { CreateLeadInput, Lead } from '@salesboard/shared';
import { forbidden } from '../auth/auth.guard.js';
import { canWriteFor } from '../auth/principal.js';
import { badField } from '../common/errors.js';
import { type ChangeContext, EventWriter } from '../events/event-writer.service.js';
import { checkReferencedDeal } from '../deals/deal.query.js';
import { RepEntity } from '../org/org.entities.js';
import { LeadEntity } from './lead.entity.js';

@Injectable()
export class LeadsService {
  constructor(private readonly writer: EventWriter) {}

  create(input: CreateLeadInput, context: ChangeContext): Promise<Lead> {
    return this.writer.transaction(context, async (tx) => {
      const rep = input.repId ? await tx.manager.findOneBy(RepEntity, { id: input.repId }) : null;
      if (input.repId && !rep) throw badField('repId', `no rep with id ${input.repId}`);
      if (rep && context.principal && !canWriteFor(context.principal, { repId: rep.id, teamId: rep.teamId })) {
        throw forbidden('authorization: you may log leads only for yourself or your teams');
      }
      if (input.convertedDealId) await checkReferencedDeal(tx.manager, context.principal, input.convertedDealId, 'convertedDealId');
      const now = new Date();
      const entity = tx.manager.create(LeadEntity, {
        source: input.source,
        status: input.status ?? (input.convertedDealId ? 'converted' : 'new'),
        repId: input.repId ?? null,
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
