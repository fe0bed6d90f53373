/**
 * Reading leads as the API shows them. A lead reaches a team or territory through its rep's
 * current one (as the KPI aggregates count it); a lead without a rep belongs to the whole
 * organisation, so only those who see every deal see it.
 */
import type { EntityManager } from 'typeorm';
import type { Lead, LeadSourceRow, LeadStatus, LeadStatusChange, LeadsQuery, Scope } from '@salesboard/shared';
import type { Visibility } from '../deals/deal.query.js';

const LEAD_SELECT = `
  SELECT l.id, l.source, l.status, l.rep_id, l.converted_deal_id, l.created_at, r.team_id, r.territory_id
    FROM leads l
    LEFT JOIN reps r ON r.id = l.rep_id`;

export interface LeadRecord {
  id: string;
  source: string;
  status: LeadStatus;
  rep_id: string | null;
  converted_deal_id: string | null;
  created_at: Date;
  team_id: string | null;
  territory_id: string | null;
}

export function mapLeadRecord(row: LeadRecord): Lead {
  return { id: row.id, source: row.source, status: row.status, repId: row.rep_id, createdAt: row.created_at.toISOString(), convertedDealId: row.converted_deal_id };
}

/** Whether a caller with this visibility may see the lead. */
export function leadVisible(visibility: Visibility, lead: Pick<LeadRecord, 'rep_id' | 'team_id' | 'territory_id'>): boolean {
  switch (visibility.kind) {
    case 'all':
      return true;
    case 'teams':
      return lead.team_id !== null && visibility.teamIds.includes(lead.team_id);
    case 'territory':
      return lead.territory_id === visibility.territoryId;
    case 'rep':
      return lead.rep_id !== null && lead.rep_id === visibility.repId;
  }
}

/** The lead, locked for the rest of the transaction when `forUpdate`: two conversions of one lead queue here. */
export async function findLead(manager: EntityManager, id: string, forUpdate = false): Promise<LeadRecord | null> {
  const rows: LeadRecord[] = await manager.query(`${LEAD_SELECT} WHERE l.id = $1 ${forUpdate ? 'FOR UPDATE OF l' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function findLeads(manager: EntityManager, query: LeadsQuery, visibility: Visibility): Promise<Lead[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (visibility.kind === 'teams') add('r.team_id = ANY(?::uuid[])', visibility.teamIds);
  if (visibility.kind === 'territory') add('r.territory_id = ?', visibility.territoryId);
  if (visibility.kind === 'rep') add('l.rep_id = ?', visibility.repId ?? '00000000-0000-0000-0000-000000000000');
  if (query.status) add('l.status = ?', query.status);
  if (query.source) add('l.source = ?', query.source);
  if (query.ownerId) add('l.rep_id = ?', query.ownerId);
  if (query.teamId) add('r.team_id = ?', query.teamId);
  params.push(query.limit ?? 200, query.offset ?? 0);
  const rows: LeadRecord[] = await manager.query(
    `${LEAD_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY l.created_at DESC, l.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(mapLeadRecord);
}

interface HistoryRow {
  id: string;
  lead_id: string;
  from_status: LeadStatus | null;
  to_status: LeadStatus;
  note: string | null;
  deal_id: string | null;
  at: Date;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
}

export async function findLeadHistory(manager: EntityManager, leadId: string): Promise<LeadStatusChange[]> {
  const rows: HistoryRow[] = await manager.query(
    `SELECT id, lead_id, from_status, to_status, note, deal_id, at, actor_kind, actor_id, actor_name
       FROM lead_status_history WHERE lead_id = $1 ORDER BY at, id`,
    [leadId],
  );
  return rows.map((row) => ({
    id: row.id,
    leadId: row.lead_id,
    from: row.from_status,
    to: row.to_status,
    note: row.note,
    dealId: row.deal_id,
    at: row.at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
  }));
}

export interface StatusChangeRow {
  leadId: string;
  from: LeadStatus | null;
  to: LeadStatus;
  note: string | null;
  dealId: string | null;
  at: Date;
  actor: [kind: string, id: string, name: string | null];
}

export async function insertStatusChange(manager: EntityManager, change: StatusChangeRow): Promise<void> {
  await manager.query(
    `INSERT INTO lead_status_history (lead_id, from_status, to_status, note, deal_id, at, actor_kind, actor_id, actor_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [change.leadId, change.from, change.to, change.note, change.dealId, change.at, ...change.actor],
  );
}

/**
 * Leads created in [start, end) in the scope, by source, with those of them that have reached
 * converted by now: the lead-conversion KPI's own definition, split by source.
 */
export async function leadsBySource(manager: EntityManager, scope: Scope, start: Date, end: Date): Promise<LeadSourceRow[]> {
  const params: unknown[] = [start, end];
  let filter = '';
  if (scope.kind !== 'all') {
    params.push(scope.id);
    filter = scope.kind === 'team' ? 'AND r.team_id = $3' : scope.kind === 'territory' ? 'AND r.territory_id = $3' : 'AND l.rep_id = $3';
  }
  const rows: { source: string; created: string; converted: string }[] = await manager.query(
    `SELECT l.source, count(*) AS created,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM lead_status_history h WHERE h.lead_id = l.id AND h.to_status = 'converted')) AS converted
       FROM leads l LEFT JOIN reps r ON r.id = l.rep_id
      WHERE l.created_at >= $1 AND l.created_at < $2 ${filter}
      GROUP BY l.source
      ORDER BY count(*) DESC, l.source`,
    params,
  );
  return rows.map((row) => {
    const created = Number(row.created);
    const converted = Number(row.converted);
    return { source: row.source, created, converted, conversion: created === 0 ? null : converted / created };
  });
}
