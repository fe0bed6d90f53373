/**
 * GET /api/deals/:id/history: what happened to one deal, oldest first, and who did it.
 */
import type { ActivityType, IsoInstant, MoneyString } from './domain.js';

/**
 * Who made a change. A REST caller is `user`, `apiKey` or `display`, with its id and name as the
 * audit log records them; a change nobody called for is `system`, its id the source
 * (`pipedrive`, `hubspot`, `csv`, `simulator`, `demo`) and its name what to show for it
 * ('Pipedrive', 'HubSpot', 'CSV import', 'simulator'). `unknown` for changes logged before actors
 * were recorded, named by their source.
 */
export interface DealHistoryActor {
  kind: 'user' | 'apiKey' | 'display' | 'anonymous' | 'system' | 'unknown';
  id: string | null;
  name: string;
}

/** The fields an update names; `owner`, `account` and `product` come as names, not ids. */
export const DEAL_HISTORY_FIELDS = ['name', 'owner', 'amount', 'currency', 'account', 'product', 'expectedCloseDate', 'forecastOverride'] as const;
export type DealHistoryField = (typeof DEAL_HISTORY_FIELDS)[number];

/** One changed field: money as a decimal string, dates as YYYY-MM-DD, a cleared value as null. */
export interface DealHistoryChange {
  field: DealHistoryField;
  from: string | null;
  to: string | null;
}

interface DealHistoryBase {
  /** The event's seq in the log; null for a row an import wrote, which logs one summary rather than one event per deal. */
  seq: number | null;
  at: IsoInstant;
  actor: DealHistoryActor;
  /** The deal's currency at the time, to show its money in; null for an activity. */
  currency: string | null;
}

export type DealHistoryEntry = DealHistoryBase &
  (
    | { kind: 'created'; stage: string; amount: MoneyString; ownerName: string }
    | { kind: 'stageChanged' | 'won' | 'lost'; from: string | null; to: string; amount: MoneyString }
    | { kind: 'updated'; changes: DealHistoryChange[] }
    | { kind: 'deleted' }
    | { kind: 'activity'; activity: { id: string; type: ActivityType; note: string | null; repName: string; at: IsoInstant } }
  );

export type DealHistoryKind = DealHistoryEntry['kind'];
