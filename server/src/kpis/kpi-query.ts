/** What both KPI endpoints do with a query: resolve its period and check its scope exists. */
import { type KpiPeriodInfo, type KpiScopeInfo, type PeriodKind, type PeriodRange, resolvePeriod, type Scope } from '@salesboard/shared';
import { badField } from '../common/errors.js';
import type { AppConfig } from '../config/app.config.js';
import type { KpiAggregates } from './kpi-aggregates.js';

export function resolveRange(config: AppConfig, query: { period: PeriodKind; from?: string; to?: string }, now: Date): PeriodRange {
  return resolvePeriod({
    period: query.period,
    from: query.from,
    to: query.to,
    now,
    timeZone: config.timeZone,
    fiscalYearStartMonth: config.fiscalYearStartMonth,
  });
}

export function describePeriod(range: PeriodRange): KpiPeriodInfo {
  return {
    kind: range.period,
    timeZone: range.timeZone,
    from: range.fromDate,
    to: range.toDate,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    previousFrom: range.previousFromDate,
    previousTo: range.previousToDate,
    lastYearFrom: range.lastYearFromDate,
    lastYearTo: range.lastYearToDate,
    elapsedShare: range.elapsedShare,
  };
}

/** The scope's name; an id the organisation does not have is the caller's mistake, a 400 naming the field. */
export function describeScope(aggregates: KpiAggregates, scope: Scope): KpiScopeInfo {
  switch (scope.kind) {
    case 'all':
      return { kind: 'all', id: null, name: 'All' };
    case 'team': {
      const team = aggregates.teams.get(scope.id);
      if (!team) throw badField('teamId', `no team with id ${scope.id}`);
      return { kind: 'team', id: team.id, name: team.name };
    }
    case 'territory': {
      const territory = aggregates.territories.get(scope.id);
      if (!territory) throw badField('territoryId', `no territory with id ${scope.id}`);
      return { kind: 'territory', id: territory.id, name: territory.name };
    }
    case 'rep': {
      const rep = aggregates.reps.get(scope.id);
      if (!rep) throw badField('repId', `no rep with id ${scope.id}`);
      return { kind: 'rep', id: rep.id, name: rep.name };
    }
  }
}
