import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KpiCheckResult, KpisQuery, KpisResponse } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { StagesService } from '../stages/stages.service.js';
import { breakdownsOf, kpisOf } from './kpi-figures.js';
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
    const breakdowns = breakdownsOf(aggregates, query.scope, range);
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
}
