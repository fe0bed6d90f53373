/**
 * The live stream's contract, written once for server and client: event names, payloads,
 * the envelope and the typed socket.io event maps of namespace `/live`.
 */
import { z } from 'zod';
import type { Activity, Deal, Lead, Quota, Rep, Stage, Team, Territory } from './domain.js';
import type { DealDeletedPayload, DealsImportedPayload, ImportJob } from './ingest.js';
import { type KpiUpdatedPayload, leaderboardKeySchema, LIVE_PERIODS } from './kpi-api.js';
import type { LeaderboardChange } from './leaderboard-delta.js';

export const LIVE_NAMESPACE = '/live';
export const SOCKET_PATH = '/socket.io';

/** Types written to the event log, each with a gap-free `seq`. */
export const LOGGED_EVENT_TYPES = [
  'deal.created',
  'deal.updated',
  'deal.stageChanged',
  'deal.won',
  'deal.lost',
  'activity.logged',
  'lead.changed',
  'quota.updated',
  'org.changed',
  'deals.imported',
  'deal.deleted',
] as const;
export type LoggedEventType = (typeof LOGGED_EVENT_TYPES)[number];

/** What an `org.changed` event is about. */
export const ORG_ENTITIES = ['team', 'rep', 'territory', 'account', 'product', 'stage', 'board', 'user', 'display', 'apiKey', 'exchangeRate'] as const;
export type OrgEntity = (typeof ORG_ENTITIES)[number];

/** Types derived from the log (aggregates); they carry the `seq` they reflect, and no seq of their own. */
export const DERIVED_EVENT_TYPES = ['leaderboard.updated', 'kpi.updated', 'import.progress'] as const;
export type DerivedEventType = (typeof DERIVED_EVENT_TYPES)[number];

export interface DealStagePayload {
  deal: Deal;
  from: string | null;
  to: string;
}

/** One row of a board; the rules (shared ranks, no rank for nothing yet, movement) are in kpi/leaderboard.ts. */
export interface LeaderboardRow {
  /** Competition rank (1, 2, 2, 4): equal values share it. Null: nothing yet this period, not ranked. */
  rank: number | null;
  id: string;
  name: string;
  /** Money metrics as decimal strings, counts and ratios as numbers; null for an undefined ratio. */
  value: string | number | null;
  /** Places the rep's own results moved them since the start of the day (positive is up); null when new today or not ranked. */
  movement: number | null;
}

export interface LoggedEventPayloads {
  'deal.created': { deal: Deal };
  /** `previous` holds the old values of the changed fields, so views can move sums without a refetch. */
  'deal.updated': { deal: Deal; changed: string[]; previous: Partial<Deal> };
  'deal.stageChanged': DealStagePayload;
  'deal.won': DealStagePayload;
  'deal.lost': DealStagePayload;
  'activity.logged': { activity: Activity; repName: string };
  'lead.changed': { lead: Lead };
  'quota.updated': { quota: Quota };
  /** Something an admin or an import changed; screens showing that kind of thing refetch it. */
  'org.changed': { entity: OrgEntity; id: string; name: string };
  /** A batch arrived at once (a CSV import, the demo's history): views reload rather than replay rows. */
  'deals.imported': DealsImportedPayload;
  'deal.deleted': DealDeletedPayload;
}

export type LeaderboardUpdatedPayload = { metric: string; period: string; scope: string } & LeaderboardChange;

export interface DerivedEventPayloads {
  /** One live board: whole (`rows`) or a delta over the rows last pushed (leaderboard-delta.ts). */
  'leaderboard.updated': LeaderboardUpdatedPayload;
  'kpi.updated': KpiUpdatedPayload;
  /** A running import's counters, to admins only, at most a few times a second. */
  'import.progress': ImportJob;
}

/**
 * Sent instead of a logged event to a socket whose credential may not see it (another rep's
 * deal, another team's quota): it keeps the seq, so the stream stays gap-free, and tells nothing.
 */
export const HIDDEN_EVENT_TYPE = 'event.hidden';
export interface HiddenEventPayloads {
  'event.hidden': Record<string, never>;
}

export type EventPayloads = LoggedEventPayloads & DerivedEventPayloads & HiddenEventPayloads;
export type EventType = keyof EventPayloads;

/** The envelope of every `event` message: `{ seq, type, at, payload }`. */
export type LiveEvent<T extends EventType = EventType> = {
  [K in T]: { seq: number; type: K; at: string; payload: EventPayloads[K] };
}[T];
export type LoggedEvent = LiveEvent<LoggedEventType>;

export function isLoggedEvent(event: LiveEvent): event is LoggedEvent {
  return (LOGGED_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** What a socket receives in seq order: the log's events, some of them as `event.hidden`. */
export type SequencedEvent = LiveEvent<LoggedEventType | typeof HIDDEN_EVENT_TYPE>;

export function isSequencedEvent(event: LiveEvent): event is SequencedEvent {
  return event.type === HIDDEN_EVENT_TYPE || isLoggedEvent(event);
}

/** Open deals per open stage: what the wallboard's pipeline chart shows. */
export interface PipelineStageSummary {
  stage: string;
  count: number;
  amount: string;
}

/** What a socket receives on connect when it cannot be caught up by replay. */
export interface Snapshot {
  seq: number;
  at: string;
  currency: string;
  timeZone: string;
  stages: Stage[];
  teams: Team[];
  territories: Territory[];
  reps: Pick<Rep, 'id' | 'name' | 'teamId' | 'territoryId' | 'avatarUrl'>[];
  pipeline: PipelineStageSummary[];
  /** Revenue leaderboard of reps for the current month. */
  leaderboard: LeaderboardRow[];
  /**
   * The seq `leaderboard` is at, when it is not `seq`: on a live socket, the rows its room was last
   * sent, which can be behind the snapshot while a push is on its way (that push comes next).
   */
  leaderboardSeq?: number;
  /** The newest logged events, oldest first. */
  feed: LoggedEvent[];
}

export const handshakeAuthSchema = z.object({
  token: z.string().max(4096).optional(),
  since: z.number().int().min(0).optional(),
});
export type HandshakeAuth = z.infer<typeof handshakeAuthSchema>;

export const subscribeSchema = z.strictObject({
  teamId: z.uuid().optional(),
  territoryId: z.uuid().optional(),
  repId: z.uuid().optional(),
  /**
   * The live boards the page shows (`leaderboardKey`), pushed as they change: the organisation's
   * and those of the scope subscribed. Others are not computed for this socket; the wallboard's
   * board (WALLBOARD_BOARD_KEY) comes without asking.
   */
  boards: z.array(leaderboardKeySchema).max(50).optional(),
  /**
   * The live periods whose KPIs the page shows, for every scope subscribed; all five when left
   * out. The server computes and sends the periods some socket of the scope shows.
   */
  periods: z.array(z.enum(LIVE_PERIODS)).max(LIVE_PERIODS.length).optional(),
});
export type SubscribeInput = z.infer<typeof subscribeSchema>;

export const resyncSchema = z.strictObject({
  since: z.number().int().min(0),
});
export type ResyncInput = z.infer<typeof resyncSchema>;

/** Answer to `resync`: either the missed events in order, or "take this snapshot instead". */
export type ResyncResult =
  { ok: true; mode: 'replay'; events: SequencedEvent[]; head: number } | { ok: true; mode: 'snapshot'; snapshot: Snapshot } | { ok: false; error: string };

export interface HeadMessage {
  seq: number;
  /** Set while the database is unreachable: clients keep their view and mark it stale since then. */
  staleSince?: string;
}

export type Ack = { ok: true } | { ok: false; error: string };

/** The figures one scope's audience gets from one recomputation (boards, KPIs), in one frame. */
export type FiguresEvent = LiveEvent<'leaderboard.updated' | 'kpi.updated'>;

export interface ServerToClientEvents {
  snapshot: (snapshot: Snapshot) => void;
  event: (event: LiveEvent) => void;
  /**
   * Logged events that followed each other within the coalescing window, in seq order and
   * without a gap: applied exactly as the same events one by one on `event`. A sales floor
   * needs every event, not a frame per event: while frames are going out, one per window.
   */
  events: (events: SequencedEvent[]) => void;
  /**
   * Derived events computed together, applied in order as if each came on `event`. A sales
   * floor's cost grows with frames times screens: one frame per recomputation, not one per
   * board and period, keeps it near what the events themselves cost.
   */
  figures: (events: FiguresEvent[]) => void;
  /** Every few seconds: the newest seq, and since when the server has lost its database, if it has. */
  head: (head: HeadMessage) => void;
}

export interface ClientToServerEvents {
  subscribe: (input: SubscribeInput, ack?: (result: Ack) => void) => void;
  resync: (input: ResyncInput, ack: (result: ResyncResult) => void) => void;
}
