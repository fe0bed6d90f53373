export { resolvePeriod, periodKeyOf, PERIOD_KINDS } from './period.js';
export type { PeriodInput, PeriodRange, PeriodKind, PeriodGranularity } from './period.js';
export { localDateOf, startOfLocalDay } from './zone.js';
export { parseIsoDate, formatIsoDate } from './civil-date.js';
export type { CivilDate } from './civil-date.js';
export type {
  DealRow,
  ActivityRow,
  LeadRow,
  QuotaRow,
  RepRow,
  ProductRow,
  StageHistoryRow,
  Scope,
  KpiRows,
} from './rows.js';
export { emptyTotals, addTotals, totalsFromRows } from './totals.js';
export type { KpiTotals } from './totals.js';
export { quotaForScope, quotaShareMinor } from './quota.js';
export { computeKpis } from './formulas.js';
export type { Kpis } from './formulas.js';
export { KPI_DEFINITIONS } from './definitions.js';
export type { KpiDefinitionKey } from './definitions.js';
export { computeFunnel, stuckDeals, DEFAULT_STUCK_AFTER_DAYS } from './funnel.js';
export type { FunnelStage, StuckStage, StuckDeal } from './funnel.js';
export { rankLeaderboard, LEADERBOARD_METRICS } from './leaderboard.js';
export type { LeaderboardEntry, LeaderboardMetric, RankOptions } from './leaderboard.js';
export { divRoundHalfUp, formatMinor, marginBpOf } from './exact.js';
