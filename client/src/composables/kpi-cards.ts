import { ratioOfMinor, toMinor, type KpiDefinitionKey, type Kpis } from '@salesboard/shared';
import type { KpiTrend } from '@/components/KpiCard.vue';
import type { Formatters } from '@/i18n/format';

/** The cards of the dashboard, in reading order. */
export const KPI_CARD_KEYS = [
  'revenue',
  'attainment',
  'growth',
  'winRate',
  'avgDealSize',
  'cycleDays',
  'openPipeline',
  'weightedPipeline',
  'coverage',
  'velocity',
  'returnOnSales',
  'leadConversion',
  'activities',
] as const satisfies readonly KpiDefinitionKey[];

export type KpiCardKey = (typeof KPI_CARD_KEYS)[number];

export interface KpiCardModel {
  key: KpiCardKey;
  value: string;
  /** Exact figure for a title attribute when `value` is compact. */
  exact?: string;
  detail?: string;
  /** undefined: not a flow over the period (compare `note`); null: nothing to compare with. */
  trend?: KpiTrend | null;
  note?: string;
}

/** vue-i18n's `t`: key, named values and, for plural messages, the count choosing the form. */
type Translate = (key: string, values?: Record<string, unknown>, plural?: number) => string;

/** A change this small reads as no change. */
const EPSILON = 1e-4;

function direction(change: number): KpiTrend['direction'] {
  if (Math.abs(change) < EPSILON) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** Good news is up for most KPIs, down for cycle days. */
function trend(change: number | null, text: (change: number) => string, higherIsBetter = true): KpiTrend | null {
  if (change === null || !Number.isFinite(change)) return null;
  const dir = direction(change);
  return { direction: dir, text: text(change), good: dir === 'flat' ? null : (dir === 'up') === higherIsBetter };
}

/** Relative change of an amount (bigint minor units) or a count; null without a previous value to divide by. */
function relative(current: bigint | number | null, previous: bigint | number | null | undefined): number | null {
  if (current === null || previous === null || previous === undefined) return null;
  // Subtracted as bigints so two large totals keep their exact difference; divided only at the end.
  const before = BigInt(previous);
  return ratioOfMinor(BigInt(current) - before, before < 0n ? -before : before);
}

function difference(current: number | null, previous: number | null | undefined): number | null {
  if (current === null || previous === null || previous === undefined) return null;
  return current - previous;
}

const minorOf = (money: string | null | undefined) => (money === null || money === undefined ? null : toMinor(money));

/**
 * The thirteen KPI cards for one period against the previous equal period. Pure, so the words
 * and arrows each card shows are tested without rendering.
 */
export function buildKpiCards(current: Kpis, previous: Kpis | null, format: Formatters, t: Translate): KpiCardModel[] {
  const money = (minor: bigint | null) => (minor === null ? t('common.notAvailable') : format.compactMoney(minor));
  const exact = (minor: bigint | null) => (minor === null ? undefined : format.money(minor));
  const percent = (ratio: number | null) => (ratio === null ? t('common.notAvailable') : format.percent(ratio));
  const points = (change: number) => t('kpi.points', { value: `${change > 0 ? '+' : change < 0 ? '−' : ''}${format.decimal(Math.abs(change) * 100)}` });
  const change = (ratio: number) => format.signedPercent(ratio);
  const days = (value: number) => t('kpi.days', { value: format.decimal(value) }, Math.round(value));
  const signedDays = (value: number) => `${value > 0 ? '+' : value < 0 ? '−' : ''}${days(Math.abs(value))}`;
  const times = (value: number) => t('kpi.times', { value: format.decimal(value) });
  const p = previous;

  const revenue = toMinor(current.revenue);
  const avgDeal = minorOf(current.avgDealSize);
  const velocity = minorOf(current.velocity);

  return [
    {
      key: 'revenue',
      value: money(revenue),
      exact: exact(revenue),
      detail: t('kpi.detail.won', { count: format.count(current.won) }, current.won),
      trend: p ? trend(relative(revenue, toMinor(p.revenue)), change) : null,
    },
    {
      key: 'attainment',
      value: percent(current.attainment),
      detail: current.quota === null ? t('kpi.detail.noQuota') : t('kpi.detail.ofQuota', { amount: format.compactMoney(toMinor(current.quota)) }),
      trend: p ? trend(difference(current.attainment, p.attainment), points) : null,
    },
    {
      key: 'growth',
      value: current.growth === null ? t('common.notAvailable') : format.signedPercent(current.growth),
      detail: t('kpi.detail.incremental', { amount: `${toMinor(current.incremental) > 0 ? '+' : ''}${format.compactMoney(toMinor(current.incremental))}` }),
      trend: undefined,
      note: t('kpi.trend.isComparison'),
    },
    {
      key: 'winRate',
      value: percent(current.winRate),
      detail: t('kpi.detail.closed', { won: format.count(current.won), lost: format.count(current.lost) }),
      trend: p ? trend(difference(current.winRate, p.winRate), points) : null,
    },
    {
      key: 'avgDealSize',
      value: money(avgDeal),
      exact: exact(avgDeal),
      trend: p ? trend(relative(avgDeal, minorOf(p.avgDealSize)), change) : null,
    },
    {
      key: 'cycleDays',
      value: current.cycleDays === null ? t('common.notAvailable') : days(current.cycleDays),
      detail: current.cycleDaysMedian === null ? undefined : t('kpi.detail.median', { value: days(current.cycleDaysMedian) }),
      trend: p ? trend(difference(current.cycleDays, p.cycleDays), signedDays, false) : null,
    },
    {
      key: 'openPipeline',
      value: money(toMinor(current.openPipeline)),
      exact: exact(toMinor(current.openPipeline)),
      trend: undefined,
      note: t('kpi.trend.current'),
    },
    {
      key: 'weightedPipeline',
      value: money(toMinor(current.weightedPipeline)),
      exact: exact(toMinor(current.weightedPipeline)),
      // Not the forecast's weighted figure, which counts only deals closing in the period.
      detail: t('kpi.detail.weightedPipeline'),
      trend: undefined,
      note: t('kpi.trend.current'),
    },
    {
      key: 'coverage',
      value: current.coverage === null ? t('common.notAvailable') : times(current.coverage),
      trend: p ? trend(difference(current.coverage, p.coverage), (value) => `${value > 0 ? '+' : value < 0 ? '−' : ''}${times(Math.abs(value))}`) : null,
    },
    {
      key: 'velocity',
      value: money(velocity),
      exact: exact(velocity),
      detail: t('kpi.detail.perDay'),
      trend: p ? trend(relative(velocity, minorOf(p.velocity)), change) : null,
    },
    {
      key: 'returnOnSales',
      // Unknown is not zero: no won deal with a known margin gives no figure at all.
      value: current.returnOnSales === null ? t('kpi.unknown') : format.percent(current.returnOnSales),
      detail: returnOnSalesDetail(current, format, t),
      trend: p ? trend(difference(current.returnOnSales, p.returnOnSales), points) : null,
    },
    {
      key: 'leadConversion',
      value: percent(current.leadConversion),
      trend: p ? trend(difference(current.leadConversion, p.leadConversion), points) : null,
    },
    {
      key: 'activities',
      value: format.count(current.activities.total),
      detail: current.activities.perRepPerDay === null ? undefined : t('kpi.detail.perRepPerDay', { value: format.decimal(current.activities.perRepPerDay) }),
      trend: p ? trend(relative(current.activities.total, p.activities.total), change) : null,
    },
  ];
}

/** Which share of revenue return on sales is computed over, when that is not all of it. */
function returnOnSalesDetail(current: Kpis, format: Formatters, t: Translate): string | undefined {
  const share = current.returnOnSalesRevenueShare;
  if (share === null || share >= 1) return undefined;
  return current.returnOnSales === null ? t('kpi.detail.noKnownMargin') : t('kpi.detail.overShareOfRevenue', { share: format.percent(share) });
}
