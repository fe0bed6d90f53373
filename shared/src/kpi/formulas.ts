/**
 * Every KPI of the design's table from one KpiTotals. Money leaves as decimal strings computed on
 * integers; ratios as numbers; a ratio with a zero denominator is null, never NaN or Infinity.
 */
import type { MoneyString } from '../domain.js';
import { fromMinor } from '../money.js';
import { divRoundHalfUp, formatEstimate, ratioOfMinor } from './exact.js';
import type { PeriodRange } from './period.js';
import type { KpiTotals } from './totals.js';

export interface Kpis {
  revenue: MoneyString;
  quota: MoneyString | null;
  attainment: number | null;
  growth: number | null;
  incremental: MoneyString;
  won: number;
  lost: number;
  winRate: number | null;
  avgDealSize: MoneyString | null;
  cycleDays: number | null;
  cycleDaysMedian: number | null;
  openPipeline: MoneyString;
  weightedPipeline: MoneyString;
  coverage: number | null;
  velocity: MoneyString | null;
  forecast: {
    closed: MoneyString;
    commit: MoneyString;
    bestCase: MoneyString;
    weighted: MoneyString;
    runRate: MoneyString | null;
  };
  /** Margin ÷ revenue over won deals whose margin is known; null when none is (unknown is not zero). */
  returnOnSales: number | null;
  /** The share of revenue returnOnSales covers: revenue of won deals with a known margin ÷ all revenue; null without revenue. */
  returnOnSalesRevenueShare: number | null;
  leadConversion: number | null;
  activities: {
    call: number;
    email: number;
    meeting: number;
    demo: number;
    total: number;
    perRepPerDay: number | null;
  };
}

export function computeKpis(t: KpiTotals, range: Pick<PeriodRange, 'elapsedShare' | 'workingDaysElapsed'>): Kpis {
  const revenue = t.revenueMinor;
  const closedCount = t.won + t.lost;
  const cycleDaysSum = t.cycleDays.reduce((sum, days) => sum + days, 0);
  const remainingToQuota = t.quotaMinor === null ? null : t.quotaMinor - revenue;
  const commit = revenue + t.commitOpenMinor;
  const activitiesTotal = t.activities.call + t.activities.email + t.activities.meeting + t.activities.demo;

  return {
    revenue: fromMinor(revenue),
    quota: t.quotaMinor === null ? null : fromMinor(t.quotaMinor),
    attainment: ratioOfMinor(revenue, t.quotaMinor),
    growth: ratioOfMinor(revenue - t.previousRevenueMinor, t.previousRevenueMinor),
    incremental: fromMinor(revenue - t.previousRevenueMinor),
    won: t.won,
    lost: t.lost,
    winRate: ratio(t.won, closedCount),
    avgDealSize: t.won === 0 ? null : fromMinor(divRoundHalfUp(revenue, BigInt(t.won))),
    cycleDays: ratio(cycleDaysSum, t.cycleDays.length),
    cycleDaysMedian: median(t.cycleDays),
    openPipeline: fromMinor(t.openPipelineMinor),
    weightedPipeline: fromMinor(divRoundHalfUp(t.weightedPipelineCentiMinor, 100n)),
    coverage: remainingToQuota !== null && remainingToQuota > 0n ? ratioOfMinor(t.openClosingInPeriodMinor, remainingToQuota) : null,
    velocity: velocityPerDay(t, closedCount, cycleDaysSum),
    forecast: {
      closed: fromMinor(revenue),
      commit: fromMinor(commit),
      bestCase: fromMinor(commit + t.bestCaseOpenMinor),
      weighted: fromMinor(revenue + divRoundHalfUp(t.weightedClosingInPeriodCentiMinor, 100n)),
      // An estimate: the float is rounded to minor units only at the end.
      runRate: range.elapsedShare > 0 ? formatEstimate(Number(revenue) / range.elapsedShare) : null,
    },
    returnOnSales: ratioOfMinor(t.marginBpMinor, t.marginRevenueMinor * 10_000n),
    returnOnSalesRevenueShare: ratioOfMinor(t.marginRevenueMinor, revenue),
    leadConversion: ratio(t.leadsConverted, t.leadsCreated),
    activities: {
      ...t.activities,
      total: activitiesTotal,
      perRepPerDay: ratio(activitiesTotal, t.activeReps * range.workingDaysElapsed),
    },
  };
}

/** numerator ÷ denominator, or null where that is undefined. */
export function ratio(numerator: number, denominator: number | null): number | null {
  if (denominator === null || denominator === 0) return null;
  const value = numerator / denominator;
  return Number.isFinite(value) ? value : null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * openCount × avgDealSize × winRate ÷ mean cycle days. avgDealSize × winRate is revenue ÷ closed
 * and the mean cycle is Σ cycle ÷ won, so this is openCount × revenue × won ÷ (closed × Σ cycle):
 * no intermediate rounding. It is an estimate, rounded to the minor unit only at the end.
 */
function velocityPerDay(t: KpiTotals, closedCount: number, cycleDaysSum: number): MoneyString | null {
  if (t.won === 0 || closedCount === 0 || cycleDaysSum <= 0) return null;
  return formatEstimate((t.openCount * Number(t.revenueMinor) * t.won) / (closedCount * cycleDaysSum));
}
