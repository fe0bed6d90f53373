import { Inject, Injectable } from '@nestjs/common';
import { type LeaderboardQuery, type LeaderboardResponse, type LeaderboardRow, leaderboardScopeKey } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { describePeriod, describeScope, resolveRange } from './kpi-query.js';
import { KpiStore } from './kpi-store.service.js';
import { rankBoards } from './leaderboard-ranking.js';

/** Leaderboards on request: REST, and the revenue board every snapshot carries. */
@Injectable()
export class LeaderboardService {
  constructor(
    private readonly store: KpiStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async board(query: LeaderboardQuery, now = new Date()): Promise<LeaderboardResponse> {
    const aggregates = await this.store.upToDate();
    describeScope(aggregates, query.scope);
    const range = resolveRange(this.config, query, now);
    const rows = rankBoards(aggregates, query.entity, query.scope, range, this.store.calendar.today(now), [query.metric]).get(query.metric) ?? [];
    return {
      seq: aggregates.seq,
      asOf: now.toISOString(),
      metric: query.metric,
      entity: query.entity,
      scope: leaderboardScopeKey(query.entity, query.scope),
      period: describePeriod(range),
      rows,
    };
  }

  /** The wallboard's board in the snapshot: reps of the whole organisation by revenue this month. */
  async wallboardRows(): Promise<LeaderboardRow[]> {
    const board = await this.board({ metric: 'revenue', entity: 'reps', period: 'month', from: undefined, to: undefined, scope: { kind: 'all' } });
    return board.rows;
  }
}
