/** KPIs of a scope and period, and its split one level down, from the aggregates through the shared formulas. */
import { computeKpis, type KpiBreakdownRow, type Kpis, type KpisResponse, type PeriodRange, type Scope } from '@salesboard/shared';
import type { KpiAggregates, NamedEntity } from './kpi-aggregates.js';
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

/** The organisation by team and by territory; a team or a territory by its active reps; a rep has none. */
export function breakdownsOf(aggregates: KpiAggregates, scope: Scope, range: PeriodRange): KpisResponse['breakdowns'] {
  const rows = (entities: Iterable<NamedEntity>, kind: 'team' | 'territory' | 'rep'): KpiBreakdownRow[] =>
    [...entities]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
      .map((entity) => ({ id: entity.id, name: entity.name, kpis: kpisOf(aggregates, { kind, id: entity.id }, range) }));
  switch (scope.kind) {
    case 'all':
      return { teams: rows(aggregates.teams.values(), 'team'), territories: rows(aggregates.territories.values(), 'territory'), reps: [] };
    case 'team':
    case 'territory':
      return {
        teams: [],
        territories: [],
        reps: rows(
          aggregates.repsIn(scope).filter((rep) => rep.active),
          'rep',
        ),
      };
    case 'rep':
      return { teams: [], territories: [], reps: [] };
  }
}
