/**
 * The KPI engine's REST contract: the queries GET /api/kpis and GET /api/leaderboard accept and
 * the answers they give, plus how live `kpi.updated` / `leaderboard.updated` name their scope.
 */
import { z } from 'zod';
import type { IsoDate, IsoInstant, MoneyString } from './domain.js';
import type { LeaderboardRow } from './events.js';
import type { Kpis } from './kpi/formulas.js';
import type { FunnelStage } from './kpi/funnel.js';
import { LEADERBOARD_METRICS, type LeaderboardMetric } from './kpi/leaderboard.js';
import { PERIOD_KINDS, type PeriodKind } from './kpi/period.js';
import { type BoardScope, parseScopeKey, type Scope, scopeFromQuery, type ScopeQuery, scopeKey } from './scope.js';
import { idSchema, isoDateSchema } from './schemas.js';

export const LEADERBOARD_ENTITIES = ['reps', 'teams'] as const;
export type LeaderboardEntity = (typeof LEADERBOARD_ENTITIES)[number];

/**
 * The periods the server keeps live: `kpi.updated` and `leaderboard.updated` are sent for these,
 * in this order (the wallboard's month first). Custom ranges are asked for over REST.
 */
export const LIVE_PERIODS = ['month', 'today', 'week', 'quarter', 'year'] as const satisfies readonly PeriodKind[];
export type LivePeriod = (typeof LIVE_PERIODS)[number];

/** An enum whose 400 names the value it got and the values it takes: `period: "fortnight" is not one of today, week, …`. */
function namedEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `${JSON.stringify(issue.input)} is not one of ${values.join(', ')}`),
  });
}

/** Period and scope as both endpoints take them; from/to alone mean a custom period. */
const periodAndScope = {
  period: namedEnum(PERIOD_KINDS).optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  teamId: idSchema.optional(),
  territoryId: idSchema.optional(),
};

interface PeriodFields {
  period?: PeriodKind;
  from?: string;
  to?: string;
}

function checkPeriod(query: PeriodFields, ctx: z.RefinementCtx): void {
  const custom = query.period === 'custom' || (query.period === undefined && (query.from !== undefined || query.to !== undefined));
  if (!custom && (query.from !== undefined || query.to !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['period'], message: `from and to make a custom period; leave period out or set it to custom, not ${query.period}` });
    return;
  }
  if (!custom) return;
  if (query.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required for a custom period' });
  if (query.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is required for a custom period' });
  // ISO dates compare correctly as strings.
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${query.to})` });
  }
}

function checkOneScope(query: ScopeQuery, ctx: z.RefinementCtx): void {
  const given = (['teamId', 'territoryId', 'repId'] as const).filter((key) => query[key] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({ code: 'custom', path: [given[1]], message: `give at most one of teamId, territoryId and repId (got ${given.join(' and ')})` });
  }
}

/** The period kind a query asks for: from/to alone make it custom; nothing at all means this month. */
function periodKindOf(query: PeriodFields): PeriodKind {
  if (query.period !== undefined) return query.period;
  return query.from !== undefined || query.to !== undefined ? 'custom' : 'month';
}

export const kpisQuerySchema = z
  .strictObject({ ...periodAndScope, repId: idSchema.optional() })
  .superRefine((query, ctx) => {
    checkPeriod(query, ctx);
    checkOneScope(query, ctx);
  })
  .transform((query) => ({ period: periodKindOf(query), from: query.from, to: query.to, scope: scopeFromQuery(query) }));
export type KpisQueryInput = z.input<typeof kpisQuerySchema>;
export type KpisQuery = z.output<typeof kpisQuerySchema>;

export const leaderboardQuerySchema = z
  .strictObject({
    ...periodAndScope,
    metric: namedEnum(LEADERBOARD_METRICS).optional(),
    entity: namedEnum(LEADERBOARD_ENTITIES).optional(),
  })
  .superRefine((query, ctx) => {
    checkPeriod(query, ctx);
    checkOneScope(query, ctx);
    // A team's numbers are not split by territory, so teams are ranked across the organisation only.
    if (query.entity === 'teams') {
      for (const key of ['teamId', 'territoryId'] as const) {
        if (query[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'teams are ranked across the whole organisation; leave it out for entity=teams' });
      }
    }
  })
  .transform((query) => ({
    metric: query.metric ?? ('revenue' as LeaderboardMetric),
    entity: query.entity ?? ('reps' as LeaderboardEntity),
    period: periodKindOf(query),
    from: query.from,
    to: query.to,
    scope: scopeFromQuery(query) as BoardScope,
  }));
export type LeaderboardQueryInput = z.input<typeof leaderboardQuerySchema>;
export type LeaderboardQuery = z.output<typeof leaderboardQuerySchema>;

/** The `scope` of a `leaderboard.updated`: the reps of a scope (`all`, `team:<id>`, `territory:<id>`), or `teams`. */
export function leaderboardScopeKey(entity: LeaderboardEntity, scope: Scope): string {
  return entity === 'teams' ? 'teams' : scopeKey(scope);
}

/**
 * A live board as `subscribe { boards }` and the server name it: `revenue|month|all`,
 * `activities|today|team:<id>`, `won|quarter|teams` (metric, live period, board scope).
 */
export function leaderboardKey(metric: string, period: string, boardScope: string): string {
  return `${metric}|${period}|${boardScope}`;
}

/** The board every caught-up socket gets without asking: the wallboard's, also in the snapshot. */
export const WALLBOARD_BOARD_KEY = leaderboardKey('revenue', 'month', 'all');

/** A live board's key, checked: a known metric, a live period and a board scope (`all`, `teams`, `team:<id>`, `territory:<id>`). */
export const leaderboardKeySchema = z
  .string()
  .max(120)
  .refine(
    (key) => {
      const [metric, period, boardScope, extra] = key.split('|');
      if (extra !== undefined || boardScope === undefined) return false;
      const scope = boardScope === 'teams' ? { kind: 'teams' } : parseScopeKey(boardScope);
      return (
        (LEADERBOARD_METRICS as readonly string[]).includes(metric) &&
        (LIVE_PERIODS as readonly string[]).includes(period) &&
        scope !== null &&
        scope.kind !== 'rep'
      );
    },
    { message: 'must be metric|period|scope, like revenue|month|all or activities|today|team:<id>' },
  );

export interface KpiPeriodInfo {
  kind: PeriodKind;
  timeZone: string;
  /** First and last local day, inclusive. */
  from: IsoDate;
  to: IsoDate;
  start: IsoInstant;
  end: IsoInstant;
  /** What the period is compared with: the same elapsed span of the previous period (resolvePeriod's previousStart). */
  previousFrom: IsoDate;
  previousTo: IsoDate;
  /** The same span a year earlier, the comparison offered instead. */
  lastYearFrom: IsoDate;
  lastYearTo: IsoDate;
  elapsedShare: number;
}

export interface KpiScopeInfo {
  kind: Scope['kind'];
  id: string | null;
  name: string;
}

export interface StuckDealSummary {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  stage: string;
  amount: MoneyString;
  stageEnteredAt: IsoInstant;
  daysInStage: number;
}

export interface KpiBreakdownRow {
  id: string;
  name: string;
  kpis: Kpis;
}

export interface KpisResponse {
  /** The last logged event the numbers include. */
  seq: number;
  asOf: IsoInstant;
  period: KpiPeriodInfo;
  scope: KpiScopeInfo;
  kpis: Kpis;
  /** Open stages in order, over the scope's deals created in the period: those that reached at least each stage, and the share that went on (see kpi/funnel.ts). */
  funnel: FunnelStage[];
  /** Open deals of the scope past their stage's limit now, longest first; `deals` holds the first 12 (screens show up to 8). */
  stuck: { count: number; amount: MoneyString; deals: StuckDealSummary[] };
  /**
   * The scope split one level down: the organisation by team and by territory; a team or a
   * territory by its reps; a rep has none.
   */
  breakdowns: { teams: KpiBreakdownRow[]; territories: KpiBreakdownRow[]; reps: KpiBreakdownRow[] };
}

/** Besides the KPIs, what of GET /api/kpis's answer `kpi.updated` carries for a live period, each part whole when it changed. */
export type LiveFigureParts = Pick<KpisResponse, 'period' | 'funnel' | 'stuck' | 'breakdowns'>;
export const LIVE_FIGURE_PARTS = ['period', 'funnel', 'stuck', 'breakdowns'] as const satisfies readonly (keyof LiveFigureParts)[];

/**
 * `kpi.updated`: what changed in one live (scope, period) since that scope's room was last sent
 * anything: KPI fields in `changed`, the other parts of the answer in `parts`. Applied over a
 * first GET /api/kpis of the same scope and period, it gives what a fresh GET would.
 */
export interface KpiUpdatedPayload {
  period: string;
  scope: string;
  changed: Partial<Kpis>;
  parts?: Partial<LiveFigureParts>;
  /**
   * The breakdown rows whose KPIs changed, with only the fields that changed, when the rows
   * themselves (which entities, their names, their order) did not: a change moves one or two rows
   * of twenty, each of some thirty fields. When the rows change, `parts.breakdowns` comes whole.
   */
  breakdownChanges?: BreakdownChanges;
}

export type BreakdownKind = keyof KpisResponse['breakdowns'];
export const BREAKDOWN_KINDS = ['teams', 'territories', 'reps'] as const satisfies readonly BreakdownKind[];
export type BreakdownChanges = Partial<Record<BreakdownKind, { id: string; changed: Partial<Kpis> }[]>>;

export interface LeaderboardResponse {
  seq: number;
  asOf: IsoInstant;
  metric: LeaderboardMetric;
  entity: LeaderboardEntity;
  /** As in `leaderboard.updated`: `all`, `team:<id>`, `territory:<id>` or `teams`. */
  scope: string;
  period: KpiPeriodInfo;
  rows: LeaderboardRow[];
}

/** GET /api/kpis/check: the live aggregates against ones rebuilt from the database at the same seq. */
export interface KpiCheckResult {
  ok: boolean;
  seq: number;
  checkedAt: IsoInstant;
  deals: number;
  /** The first differences found, each naming the scope, the bucket and both values. */
  differences: string[];
  tookMs: number;
}

/** Where each part of a screen's figures last came from: the seq of the answer or update it was taken from. */
export type LiveFigureSeqs = Record<'kpis' | keyof LiveFigureParts, number>;

/** One live (scope, period) as a screen holds it: a first GET /api/kpis with every `kpi.updated` since applied over it. */
export interface LiveFigures {
  figures: KpisResponse;
  seqs: LiveFigureSeqs;
}

export function startLiveFigures(first: KpisResponse): LiveFigures {
  const seq = first.seq;
  return { figures: first, seqs: { kpis: seq, period: seq, breakdowns: seq, funnel: seq, stuck: seq } };
}

/**
 * Applies one `kpi.updated` (of `seq`) over held figures. A part older than what is held is
 * skipped (a late update must not undo a newer answer); each part counts on its own, as the
 * funnel and stuck deals are read from the database after the KPIs went out. Returns the same
 * object when nothing applied.
 */
export function applyKpiUpdate(held: LiveFigures, update: KpiUpdatedPayload, seq: number): LiveFigures {
  const figures: KpisResponse = { ...held.figures };
  const seqs: LiveFigureSeqs = { ...held.seqs };
  let applied = false;
  if (Object.keys(update.changed).length > 0 && seq >= seqs.kpis) {
    figures.kpis = { ...figures.kpis, ...update.changed };
    seqs.kpis = seq;
    applied = true;
  }
  for (const part of LIVE_FIGURE_PARTS) {
    const value = update.parts?.[part];
    if (value === undefined || seq < seqs[part]) continue;
    (figures as Record<typeof part, unknown>)[part] = value;
    seqs[part] = seq;
    applied = true;
  }
  if (update.breakdownChanges && seq >= seqs.breakdowns) {
    figures.breakdowns = applyBreakdownChanges(figures.breakdowns, update.breakdownChanges);
    seqs.breakdowns = seq;
    applied = true;
  }
  return applied ? { figures, seqs } : held;
}

/** The rows with their changed fields merged in; rows not named stay as they are (the same objects). */
function applyBreakdownChanges(breakdowns: KpisResponse['breakdowns'], changes: BreakdownChanges): KpisResponse['breakdowns'] {
  const next = { ...breakdowns };
  for (const kind of BREAKDOWN_KINDS) {
    const rows = changes[kind];
    if (!rows?.length) continue;
    const byId = new Map(rows.map((row) => [row.id, row.changed]));
    next[kind] = breakdowns[kind].map((row) => {
      const changed = byId.get(row.id);
      return changed ? { ...row, kpis: { ...row.kpis, ...changed } } : row;
    });
  }
  return next;
}
