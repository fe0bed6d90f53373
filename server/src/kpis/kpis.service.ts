import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KpiBreakdownRow, KpiCheckResult, KpisQuery, KpisResponse, PeriodRange, Scope } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { StagesService } from '../stages/stages.service.js';
import type { KpiAggregates, NamedEntity } from './kpi-aggregates.js';
import { kpisOf } from './kpi-figures.js';
import { describePeriod, describeScope, resolveRange } from './kpi-query.js';
import { KpiStore } from './kpi-store.service.js';
import { funnelOf, stuckOf } from './pipeline-health.query.js';

@Injectable()
export class KpisService {
  constructor(
    private readonly store: KpiStore,
    private readonly dataSource: DataSource,
    private readonly stages: StagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async kpis(query: KpisQuery, now = new Date()): Promise<KpisResponse> {
    const aggregates = await this.store.upToDate();
    // Everything read from the aggregates is read before the next await, so it is one seq's numbers.
    const scope = describeScope(aggregates, query.scope);
    const range = resolveRange(this.config, query, now);
    const kpis = kpisOf(aggregates, query.scope, range);
    const breakdowns = this.breakdowns(aggregates, query.scope, range);
    const seq = aggregates.seq;
    const stages = this.stages.list();
    const [funnel, stuck] = await Promise.all([
      funnelOf(this.dataSource.manager, query.scope, range, stages),
      stuckOf(this.dataSource.manager, query.scope, now, stages),
    ]);
    return { seq, asOf: now.toISOString(), period: describePeriod(range), scope, kpis, funnel, stuck, breakdowns };
  }

  check(): Promise<KpiCheckResult> {
    return this.store.check();
  }

  private breakdowns(aggregates: KpiAggregates, scope: Scope, range: PeriodRange): KpisResponse['breakdowns'] {
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
}
