/**
 * A deal's history read from the event log: its deal.* events and the activities logged against
 * it, found through the event_log_deal_idx expression index (see the EventActors migration), plus
 * the stage-history rows of imports, which log one summary event per file rather than one per deal.
 */
import type { EntityManager } from 'typeorm';
import type { Deal, DealHistoryActor, DealHistoryChange, DealHistoryEntry, DealHistoryField, LoggedEventPayloads } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';

/** The deal an event is about; the same expression as the index, so the planner uses it. */
const DEAL_OF_EVENT = `COALESCE(payload->'deal'->>'id', payload->'activity'->>'dealId')`;

/** Sources that change deals without one event per deal: their stage-history rows stand in. */
const BATCH_SOURCES = ['csv', 'demo'];

const SYSTEM_NAMES: Record<string, string> = {
  pipedrive: 'Pipedrive',
  hubspot: 'HubSpot',
  csv: 'CSV import',
  simulator: 'simulator',
  demo: 'demo data',
  api: 'API',
  ui: 'UI',
};

interface EventRow {
  seq: string;
  type: string;
  at: Date;
  payload: unknown;
  source: string;
  actor_kind: string | null;
  actor_id: string | null;
  actor_name: string | null;
}

interface ImportRow {
  at: Date;
  from_stage: string | null;
  to_stage: string;
  kind: 'open' | 'won' | 'lost' | null;
  amount: string;
  currency: string;
  owner_name: string;
  source: string;
}

export interface DealEvents {
  entries: DealHistoryEntry[];
  /** The deal as its newest event left it: who may read the history of a deal deleted since. */
  last: Deal | null;
}

export async function findDealHistory(manager: EntityManager, dealId: string): Promise<DealEvents> {
  const events: EventRow[] = await manager.query(
    `SELECT seq, type, at, payload, source, actor_kind, actor_id, actor_name FROM event_log WHERE ${DEAL_OF_EVENT} = $1 ORDER BY seq`,
    [dealId],
  );
  const imports: ImportRow[] = await manager.query(
    `SELECT h.at, h.from_stage, h.to_stage, s.kind, h.amount::text AS amount, d.currency, r.name AS owner_name, h.source
       FROM stage_history h
       JOIN deals d ON d.id = h.deal_id
       JOIN reps r ON r.id = h.rep_id
       LEFT JOIN stages s ON s.key = h.to_stage
      WHERE h.deal_id = $1 AND h.source = ANY($2)`,
    [dealId, BATCH_SOURCES],
  );
  const names = await namesOf(manager, events);
  let last: Deal | null = null;
  const entries: DealHistoryEntry[] = [];
  for (const row of events) {
    const deal = (row.payload as { deal?: Deal }).deal;
    if (deal) last = deal;
    const entry = eventEntry(row, names);
    if (entry) entries.push(entry);
  }
  for (const row of imports) entries.push(importEntry(row));
  // Imports' rows carry no seq: they go by time, and log order decides between events.
  entries.sort((a, b) => a.at.localeCompare(b.at) || (a.seq ?? 0) - (b.seq ?? 0));
  return { entries, last };
}

function eventEntry(row: EventRow, names: Map<string, string>): DealHistoryEntry | null {
  const base = { seq: Number(row.seq), at: row.at.toISOString(), actor: actorOf(row) };
  switch (row.type) {
    case 'deal.created': {
      const { deal } = row.payload as LoggedEventPayloads['deal.created'];
      return { ...base, currency: deal.currency, kind: 'created', stage: deal.stage, amount: deal.amount, ownerName: deal.ownerName };
    }
    case 'deal.stageChanged':
    case 'deal.won':
    case 'deal.lost': {
      const { deal, from, to } = row.payload as LoggedEventPayloads['deal.stageChanged'];
      const kind = row.type === 'deal.won' ? 'won' : row.type === 'deal.lost' ? 'lost' : 'stageChanged';
      return { ...base, currency: deal.currency, kind, from, to, amount: deal.amount };
    }
    case 'deal.updated': {
      const payload = row.payload as LoggedEventPayloads['deal.updated'];
      return { ...base, currency: payload.previous.currency ?? payload.deal.currency, kind: 'updated', changes: changesOf(payload, names) };
    }
    case 'deal.deleted': {
      const { deal } = row.payload as LoggedEventPayloads['deal.deleted'];
      return { ...base, currency: deal.currency, kind: 'deleted' };
    }
    case 'activity.logged': {
      const { activity, repName } = row.payload as LoggedEventPayloads['activity.logged'];
      return {
        ...base,
        currency: null,
        kind: 'activity',
        activity: { id: activity.id, type: activity.type, note: activity.note, repName, at: activity.at },
      };
    }
    default:
      return null;
  }
}

/** `changed` names Deal fields; ids of the owner, account and product are shown by name. */
function changesOf({ deal, changed, previous }: LoggedEventPayloads['deal.updated'], names: Map<string, string>): DealHistoryChange[] {
  const nameOf = (id: string | null | undefined) => (id ? (names.get(id) ?? id) : null);
  const changes: DealHistoryChange[] = [];
  for (const field of changed) {
    const value = (d: Partial<Deal>) => (d[field as keyof Deal] ?? null) as string | null;
    if (field === 'ownerId') changes.push({ field: 'owner', from: previous.ownerName ?? nameOf(previous.ownerId), to: deal.ownerName });
    else if (field === 'accountId') changes.push({ field: 'account', from: nameOf(previous.accountId), to: deal.accountName ?? nameOf(deal.accountId) });
    else if (field === 'productId') changes.push({ field: 'product', from: nameOf(previous.productId), to: nameOf(deal.productId) });
    else if (field === 'amount') changes.push({ field, from: previous.amount ? normalizeMoney(previous.amount) : null, to: normalizeMoney(deal.amount) });
    else if (isField(field)) changes.push({ field, from: value(previous), to: value(deal) });
  }
  return changes;
}

function isField(field: string): field is DealHistoryField {
  return ['name', 'currency', 'expectedCloseDate', 'forecastOverride'].includes(field);
}

/** Names of the reps, accounts and products the updates point at by id, in one query. */
async function namesOf(manager: EntityManager, events: EventRow[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const row of events) {
    if (row.type !== 'deal.updated') continue;
    const { deal, previous } = row.payload as LoggedEventPayloads['deal.updated'];
    for (const id of [previous.ownerId, previous.accountId, previous.productId, deal.productId]) if (id) ids.add(id);
  }
  if (ids.size === 0) return new Map();
  const rows: { id: string; name: string }[] = await manager.query(
    `SELECT id::text, name FROM reps WHERE id = ANY($1::uuid[])
     UNION ALL SELECT id::text, name FROM accounts WHERE id = ANY($1::uuid[])
     UNION ALL SELECT id::text, name FROM products WHERE id = ANY($1::uuid[])`,
    [[...ids]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

function actorOf(row: Pick<EventRow, 'actor_kind' | 'actor_id' | 'actor_name' | 'source'>): DealHistoryActor {
  const systemName = SYSTEM_NAMES[row.source] ?? row.source;
  if (!row.actor_kind) return { kind: 'unknown', id: null, name: systemName };
  if (row.actor_kind === 'system') return { kind: 'system', id: row.actor_id ?? row.source, name: SYSTEM_NAMES[row.actor_id ?? row.source] ?? systemName };
  return { kind: row.actor_kind as DealHistoryActor['kind'], id: row.actor_id, name: row.actor_name ?? row.actor_id ?? systemName };
}

function importEntry(row: ImportRow): DealHistoryEntry {
  const base = { seq: null, at: row.at.toISOString(), actor: { kind: 'system' as const, id: row.source, name: SYSTEM_NAMES[row.source] ?? row.source } };
  const amount = normalizeMoney(row.amount);
  const currency = row.currency.trim();
  if (row.from_stage === null) return { ...base, currency, kind: 'created', stage: row.to_stage, amount, ownerName: row.owner_name };
  const kind = row.kind === 'won' ? 'won' : row.kind === 'lost' ? 'lost' : 'stageChanged';
  return { ...base, currency, kind, from: row.from_stage, to: row.to_stage, amount };
}
