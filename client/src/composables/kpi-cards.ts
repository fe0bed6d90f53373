import { quotaPace, ratioOfMinor, toMinor, type KpiDefinitionKey, type Kpis } from '@salesboard/shared';
import type { KpiTrend } from '@/components/KpiCard.vue';
import type { Formatters } from '@/i18n/format';

/**
 * The four figures a manager reads first: revenue against quota with its pace, pipeline
 * coverage, win rate and the forecast. The rest are one click away (MORE_KPI_KEYS).
 */
export const HERO_KPI_KEYS = ['revenue', 'coverage', 'winRate', 'forecast'] as const satisfies readonly KpiDefinitionKey[];

/** The other cards, in reading order; attainment is part of the revenue card. */
export const MORE_KPI_KEYS = [
  'growth',
  'avgDealSize',
  'cycleDays',
  'openPipeline',
  'weightedPipeline',
  'velocity',
  'returnOnSales',
  'leadConversion',
  'activities',
] as const satisfies readonly KpiDefinitionKey[];

/** The cards of the dashboard, in reading order. */
export const KPI_CARD_KEYS = [...HERO_KPI_KEYS, ...MORE_KPI_KEYS] as const;

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
  /** A bar under the value: how far along (0–1, capped) and where the period's pace is. */
  progress?: { fill: number; pace: number | null };
}

export type ComparisonKind = 'previous' | 'lastYear';
export const COMPARISON_KINDS = ['previous', 'lastYear'] as const satisfies readonly ComparisonKind[];

export interface KpiCardOptions {
  /** What the figures compared with are: the previous period so far or the same span a year before, and its days in words ("Nov 1 – 7"). */
  comparison?: { kind: ComparisonKind; span: string };
  /** Monday–Friday days left in the period, today included (workingDaysLeft), for the pace against quota. */
  workingDaysLeft?: number | null;
}

/** vue-i18n's `t`: key, named values and, for plural messages, the count choosing the form. */
type Translate = (key: string, values?: Record<string, unknown>, plural?: number) => string;

/** A change this small reads as no change. */
const EPSILON = 1e-4;

function direction(change: number): KpiTrend['direction'] {
  if (Math.abs(change) < EPSILON) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** Good news is up for most KPIs, down for cycle days. `against` names what it is compared with. */
function trendOf(change: number | null, text: (change: number) => string, higherIsBetter: boolean, against: string | undefined): KpiTrend | null {
  if (change === null || !Number.isFinite(change)) return null;
  const dir = direction(change);
  return { direction: dir, text: text(change), good: dir === 'flat' ? null : (dir === 'up') === higherIsBetter, against };
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
 * The thirteen KPI cards for one period against `previous`: the same elapsed span of the previous
 * period, or of the same period a year before (options.comparison). Pure, so the words and arrows
 * each card shows are tested without rendering.
 */
export function buildKpiCards(
  current: Kpis,
  previous: Kpis | null,
  format: Formatters,
  t: Translate,
  elapsedShare: number | null = null,
  options: KpiCardOptions = {},
): KpiCardModel[] {
  const money = (minor: bigint | null) => (minor === null ? t('common.notAvailable') : format.compactMoney(minor));
  const exact = (minor: bigint | null) => (minor === null ? undefined : format.money(minor));
  const percent = (ratio: number | null) => (ratio === null ? t('common.notAvailable') : format.percent(ratio));
  const points = (change: number) => t('kpi.points', { value: `${change > 0 ? '+' : change < 0 ? '−' : ''}${format.decimal(Math.abs(change) * 100)}` });
  const change = (ratio: number) => format.signedPercent(ratio);
  const days = (value: number) => t('kpi.days', { value: format.decimal(value) }, Math.round(value));
  const signedDays = (value: number) => `${value > 0 ? '+' : value < 0 ? '−' : ''}${days(Math.abs(value))}`;
  const times = (value: number) => t('kpi.times', { value: format.decimal(value) });
  const p = previous;
  const against = options.comparison?.span;
  const trend = (change: number | null, text: (change: number) => string, higherIsBetter = true) => trendOf(change, text, higherIsBetter, against);

  const revenue = toMinor(current.revenue);
  // The server's growth is against the previous period; against last year it is worked out here, by the same rule.
  const lastYear = options.comparison?.kind === 'lastYear';
  const growth = lastYear ? (p ? relative(revenue, toMinor(p.revenue)) : null) : current.growth;
  const incremental = lastYear ? (p ? revenue - toMinor(p.revenue) : null) : toMinor(current.incremental);
  const pace = elapsedShare === null ? null : quotaPace(current.revenue, current.quota, elapsedShare, options.workingDaysLeft ?? 0);
  const avgDeal = minorOf(current.avgDealSize);
  const velocity = minorOf(current.velocity);
  const forecastShare = current.quota === null ? null : ratioOfMinor(toMinor(current.forecast.weighted), toMinor(current.quota));

  return [
    {
      key: 'revenue',
      value: money(revenue),
      exact: exact(revenue),
      detail: [
        t('kpi.detail.won', { count: format.count(current.won) }, current.won),
        current.quota === null || current.attainment === null
          ? t('kpi.detail.noQuota')
          : t('kpi.detail.attainment', { share: format.percent(current.attainment), amount: format.compactMoney(toMinor(current.quota)) }),
        paceText(pace, current, elapsedShare, options.workingDaysLeft, format, t),
      ]
        .filter(Boolean)
        .join(' · '),
      trend: p ? trend(relative(revenue, toMinor(p.revenue)), change) : null,
      progress: current.attainment === null ? undefined : { fill: Math.min(1, Math.max(0, current.attainment)), pace: elapsedShare },
    },
    {
      key: 'growth',
      value: growth === null ? t('common.notAvailable') : format.signedPercent(growth),
      detail: incremental === null ? undefined : t('kpi.detail.incremental', { amount: format.signedCompactMoney(incremental) }),
      trend: undefined,
      note: against === undefined ? t('kpi.trend.isComparison') : t('kpi.trend.isComparisonAgainst', { span: against }),
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
      key: 'forecast',
      value: money(toMinor(current.forecast.weighted)),
      exact: exact(toMinor(current.forecast.weighted)),
      detail: [
        forecastShare === null ? null : t('forecast.ofQuota', { share: format.percent(forecastShare) }),
        t('kpi.detail.commit', { amount: format.compactMoney(toMinor(current.forecast.commit)) }),
      ]
        .filter(Boolean)
        .join(' · '),
      trend: undefined,
      note: t('kpi.trend.forecast'),
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

/**
 * The revenue card's pace: while the period is under way, what is needed a working day to reach
 * the quota (or that it is reached) rather than a bare percentage; otherwise the share gone by.
 */
function paceText(
  pace: ReturnType<typeof quotaPace>,
  current: Kpis,
  elapsedShare: number | null,
  workingDaysLeft: number | null | undefined,
  format: Formatters,
  t: Translate,
): string | null {
  if (current.attainment === null || elapsedShare === null) return null;
  if (pace !== null && workingDaysLeft !== undefined && workingDaysLeft !== null) {
    return pace.kind === 'reached' ? t('kpi.detail.quotaReached') : t('kpi.detail.paceNeeded', { amount: format.compactMoney(pace.perWorkingDayMinor) });
  }
  return t('kpi.detail.pace', { share: format.percent(elapsedShare) });
}

/** Which share of revenue return on sales is computed over, when that is not all of it. */
function returnOnSalesDetail(current: Kpis, format: Formatters, t: Translate): string | undefined {
  const share = current.returnOnSalesRevenueShare;
  if (share === null || share >= 1) return undefined;
  return current.returnOnSales === null ? t('kpi.detail.noKnownMargin') : t('kpi.detail.overShareOfRevenue', { share: format.percent(share) });
}
