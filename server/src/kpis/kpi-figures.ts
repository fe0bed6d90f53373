/** KPIs of a scope and period from the aggregates, through the shared formulas. */
import { computeKpis, type Kpis, type PeriodRange, type Scope } from '@salesboard/shared';
import type { KpiAggregates } from './kpi-aggregates.js';
import { MS_PER_DAY } from './local-calendar.js';

export function kpisOf(aggregates: KpiAggregates, scope: Scope, range: PeriodRange): Kpis {
  const { totals, cycles } = aggregates.totals(scope, range);
  // computeKpis reads the cycle list only through its sum (for velocity), its mean and its
  // median. Its sum goes in as a one-item list, so velocity stays the shared formula; mean and
  // median come from the aggregates' exact per-day statistics instead of a gathered, sorted list.
  const kpis = computeKpis({ ...totals, cycleDays: cycles.count > 0 ? [cycles.sumMs / MS_PER_DAY] : [] }, range);
  return {
    ...kpis,
    cycleDays: cycles.count > 0 ? cycles.sumMs / MS_PER_DAY / cycles.count : null,
    cycleDaysMedian: cycles.medianMs === null ? null : cycles.medianMs / MS_PER_DAY,
  };
}
