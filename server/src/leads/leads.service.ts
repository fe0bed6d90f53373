import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CONVERTIBLE_LEAD_STATUSES,
  type ChangeLeadStatusInput,
  type ConvertLeadInput,
  type CreateLeadInput,
  type Deal,
  type KpisQuery,
  LEAD_TRANSITIONS,
  type Lead,
  type LeadsBySourceResponse,
  type LeadsQuery,
  type LeadStatus,
  type LeadStatusChange,
  mayMoveLead,
} from '@salesboard/shared';
import { forbidden } from '../auth/auth.guard.js';
import { canWriteFor, type Principal, seesEveryDeal } from '../auth/principal.js';
import { badField, conflict, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { actorOf, EventWriter, type WriteTx } from '../events/event-writer.service.js';
import type { ChangeContext } from '../auth/change-context.js';
import { DealCommands } from '../deals/deal-commands.service.js';
import { checkReferencedDeal, visibleTo } from '../deals/deal.query.js';
import { resolveRange } from '../kpis/kpi-query.js';
import { RepEntity } from '../org/org.entities.js';
import { LeadEntity } from './lead.entity.js';
import { findLead, findLeadHistory, findLeads, insertStatusChange, type LeadRecord, leadsBySource, leadVisible, mapLeadRecord } from './leads.query.js';

/**
 * Leads and their statuses. Every status a lead takes is recorded with who and when in
 * lead_status_history, in the same transaction as the change and its `lead.changed`; lead
 * conversion is counted from those rows. A conversion makes its deal through DealCommands.
 */
@Injectable()
export class LeadsService {
  constructor(
    private readonly writer: EventWriter,
    private readonly dataSource: DataSource,
    private readonly deals: DealCommands,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
      // A lead pointing at a deal is a converted one: anything else would count it both ways.
      if (input.convertedDealId && input.status && input.status !== 'converted') {
        throw badField('status', `a lead with a convertedDealId is converted, not ${input.status}`);
      }
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
      await insertStatusChange(tx.manager, {
        leadId: entity.id,
        from: null,
        to: entity.status,
        note: null,
        dealId: entity.convertedDealId,
        at: now,
        actor: actorOf(context),
      });
      const lead = mapLead(entity);
      tx.emit('lead.changed', { lead });
      return lead;
    });
  }

  /** A rep lists their own leads, a manager their teams'; the filters narrow that further. */
  list(query: LeadsQuery, principal?: Principal): Promise<Lead[]> {
    return findLeads(this.dataSource.manager, query, principal ? visibleTo(principal) : { kind: 'all' });
  }

  /** Every status the lead has had, oldest first, with who set it; readable by whoever sees the lead. */
  async history(id: string, principal?: Principal): Promise<LeadStatusChange[]> {
    const lead = await findLead(this.dataSource.manager, id);
    this.requireVisible(principal, lead, id);
    return findLeadHistory(this.dataSource.manager, id);
  }

  /** Moves a lead along LEAD_TRANSITIONS; converting has its own endpoint, as it makes a deal. */
  changeStatus(id: string, input: ChangeLeadStatusInput, context: ChangeContext): Promise<Lead> {
    if (input.status === 'converted') throw badField('status', 'a lead is converted by POST /api/leads/:id/convert, which makes its deal');
    return this.writer.transaction(context, async (tx) => {
      const lead = await this.lockWritable(tx, id, context.principal);
      if (lead.status === input.status) throw conflict(`status: lead ${id} is already ${input.status}`);
      if (!mayMoveLead(lead.status, input.status)) throw conflict(`status: a lead may not go from ${lead.status} to ${input.status} (${allowedFrom(lead.status)})`);
      return this.record(tx, context, lead, input.status, input.note ?? null, null);
    });
  }

  /**
   * Turns a lead into a deal: the deal through DealCommands and the lead's move to converted in
   * one transaction, so there is never a deal without its converted lead or the other way round.
   * The lead row is locked first: of two conversions at once, the second finds it converted (409).
   */
  convert(id: string, input: ConvertLeadInput, context: ChangeContext): Promise<{ lead: Lead; deal: Deal }> {
    return this.writer.transaction(context, async (tx) => {
      const lead = await this.lockWritable(tx, id, context.principal);
      if (lead.status === 'converted') {
        throw conflict(`status: lead ${id} is already converted${lead.converted_deal_id ? ` into deal ${lead.converted_deal_id}` : ''}`);
      }
      if (!CONVERTIBLE_LEAD_STATUSES.includes(lead.status)) throw conflict(`status: a ${lead.status} lead is reopened (status new) before it is converted`);
      const ownerId = input.ownerId ?? lead.rep_id;
      if (!ownerId) throw badField('ownerId', 'the lead has no rep: name the rep who owns the deal');
      const deal = await this.deals.createIn(
        tx,
        { name: input.dealName ?? `Lead: ${lead.source}`, ownerId, amount: input.amount, stage: input.stage, productId: input.productId },
        context,
      );
      const converted = await this.record(tx, context, lead, 'converted', input.note ?? null, deal.id);
      return { lead: converted, deal };
    });
  }

  /** Leads created in the period by source, and how many of them converted: the dashboard's panel. */
  async bySource(query: KpisQuery, now = new Date()): Promise<LeadsBySourceResponse> {
    const range = resolveRange(this.config, query, now);
    const rows = await leadsBySource(this.dataSource.manager, query.scope, range.start, range.end);
    return { period: { from: range.fromDate, to: range.toDate }, rows };
  }

  // ---- the rules, once -----------------------------------------------------------------------

  private async lockWritable(tx: WriteTx, id: string, principal?: Principal): Promise<LeadRecord> {
    const lead = await findLead(tx.manager, id, true);
    this.requireVisible(principal, lead, id);
    if (principal && !canWriteFor(principal, { repId: lead.rep_id, teamId: lead.team_id })) {
      throw forbidden(`authorization: you may not change lead ${id}`);
    }
    return lead;
  }

  /** 403 alike for a lead the caller may not see and one that does not exist, unless they see everything. */
  private requireVisible(principal: Principal | undefined, lead: LeadRecord | null, id: string): asserts lead is LeadRecord {
    if (lead && (!principal || leadVisible(visibleTo(principal), lead))) return;
    if (!principal || seesEveryDeal(principal)) throw notFound('lead', id);
    throw forbidden(`authorization: lead ${id} is not yours to see or change`);
  }

  private async record(tx: WriteTx, context: ChangeContext, lead: LeadRecord, to: LeadStatus, note: string | null, dealId: string | null): Promise<Lead> {
    const now = new Date();
    await tx.manager.query(
      `UPDATE leads SET status = $2, converted_deal_id = COALESCE($3, converted_deal_id), updated_at = $4 WHERE id = $1`,
      [lead.id, to, dealId, now],
    );
    await insertStatusChange(tx.manager, { leadId: lead.id, from: lead.status, to, note, dealId, at: now, actor: actorOf(context) });
    const changed = mapLeadRecord({ ...lead, status: to, converted_deal_id: dealId ?? lead.converted_deal_id });
    tx.emit('lead.changed', { lead: changed });
    return changed;
  }
}

function allowedFrom(status: LeadStatus): string {
  const next = LEAD_TRANSITIONS[status];
  return next.length ? `from ${status}: ${next.join(', ')}` : `${status} is final`;
}

export function mapLead(l: LeadEntity): Lead {
  return { id: l.id, source: l.source, status: l.status, repId: l.repId, createdAt: l.createdAt.toISOString(), convertedDealId: l.convertedDealId };
}
