import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LoggedEvent, LoggedEventType, PipelineStageSummary, Snapshot } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { LeaderboardService } from '../kpis/leaderboard.service.js';
import { mapRep, mapTeam, mapTerritory } from '../org/org.service.js';
import { RepEntity, TeamEntity, TerritoryEntity } from '../org/org.entities.js';
import { type Principal, seesEveryDeal } from '../auth/principal.js';
import { dealFilters, visibleTo } from '../deals/deal.query.js';
import { StagesService } from '../stages/stages.service.js';
import { EventAudience } from '../live/event-audience.js';
import type { SnapshotSource } from '../live/snapshot-source.js';
import { amountInOrgCurrencySql } from '../exchange-rates/exchange-rates.repository.js';

const FEED_SIZE = 30;

/**
 * What a client needs to draw its views from nothing, as of one seq. Read in one
 * REPEATABLE READ transaction, so the numbers and the seq describe the same moment.
 */
@Injectable()
export class SnapshotService implements SnapshotSource {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stages: StagesService,
    private readonly leaderboard: LeaderboardService,
    private readonly audience: EventAudience,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * As `principal` may see it: the pipeline of the deals they may read, and the feed without the
   * events they may not (a rep's feed holds their own deals; the leaderboard is everyone's).
   */
  async build(principal: Principal, parts = { leaderboard: true }): Promise<Snapshot> {
    // The open deals this principal may read, with the same filter as their deal list.
    const visible = dealFilters({}, visibleTo(principal));
    const snapshot = await this.dataSource.transaction('REPEATABLE READ', async (manager): Promise<Snapshot> => {
      const [{ seq }]: { seq: string }[] = await manager.query('SELECT seq FROM event_seq WHERE id = 1');
      const pipelineRows: { stage: string; count: number; amount: string }[] = await manager.query(
        `WITH visible AS (
           SELECT d.stage, ${amountInOrgCurrencySql('d')} AS amount FROM deals d JOIN reps r ON r.id = d.owner_id LEFT JOIN accounts a ON a.id = d.account_id ${visible.where}
         )
         SELECT s.key AS stage, count(v.stage)::int AS count, COALESCE(sum(v.amount), 0)::text AS amount
           FROM stages s LEFT JOIN visible v ON v.stage = s.key
          WHERE s.kind = 'open' GROUP BY s.key, s.position ORDER BY s.position`,
        visible.params,
      );
      const feedRows: { seq: string; type: LoggedEventType; at: Date; payload: LoggedEvent['payload'] }[] = await manager.query(
        'SELECT seq, type, at, payload FROM event_log ORDER BY seq DESC LIMIT $1',
        [seesEveryDeal(principal) ? FEED_SIZE : FEED_SIZE * 10],
      );
      const [teams, territories, reps] = [
        await manager.find(TeamEntity, { order: { name: 'ASC' } }),
        await manager.find(TerritoryEntity, { order: { name: 'ASC' } }),
        await manager.find(RepEntity, { where: { active: true }, order: { name: 'ASC' } }),
      ];
      const pipeline: PipelineStageSummary[] = pipelineRows.map((r) => ({ stage: r.stage, count: r.count, amount: normalizeMoney(r.amount) }));
      return {
        seq: Number(seq),
        at: new Date().toISOString(),
        currency: this.config.currency,
        timeZone: this.config.timeZone,
        stages: this.stages.list(),
        teams: teams.map(mapTeam),
        territories: territories.map(mapTerritory),
        reps: reps.map((r) => {
          const { id, name, teamId, territoryId, avatarUrl } = mapRep(r);
          return { id, name, teamId, territoryId, avatarUrl };
        }),
        pipeline,
        leaderboard: [],
        feed: feedRows
          .reverse()
          .map((r) => ({ seq: Number(r.seq), type: r.type, at: r.at.toISOString(), payload: r.payload }) as LoggedEvent)
          .filter((event) => this.audience.mayRead(principal, event))
          .slice(-FEED_SIZE),
      };
    });
    // After the transaction, never inside it: the aggregates read the log on connections of their
    // own, and many snapshots each holding one while waiting for another would drain the pool.
    // The board is brought up to at least the snapshot's seq; a later change comes as an update.
    return parts.leaderboard ? { ...snapshot, leaderboard: await this.leaderboard.wallboardRows() } : snapshot;
  }
}
