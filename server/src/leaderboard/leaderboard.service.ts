import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LeaderboardRow, LoggedEvent } from '@salesboard/shared';
import { normalizeMoney, toMinor } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';

/** Events that can move the revenue leaderboard: wins, reopened wins, changed won deals. */
export function movesRevenue(event: LoggedEvent): boolean {
  switch (event.type) {
    case 'deal.won':
      return true;
    case 'deal.lost':
    case 'deal.stageChanged':
      return event.payload.from === 'won';
    case 'deal.updated':
      return event.payload.deal.closedAt !== null && event.payload.deal.stage === 'won';
    case 'org.changed':
      return event.payload.entity === 'rep';
    default:
      return false;
  }
}

/**
 * The month's revenue leaderboard of reps, computed in SQL in the organisation's time zone.
 * Ties break by name then id, so every node and every refresh ranks the same way; movement
 * compares with the ranking that excludes today's wins (the standing at the start of the day).
 */
@Injectable()
export class LeaderboardService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async revenueThisMonth(manager: EntityManager = this.dataSource.manager): Promise<LeaderboardRow[]> {
    const rows: { id: string; name: string; revenue: string; revenue_before_today: string }[] = await manager.query(
      `WITH bounds AS (
         SELECT (date_trunc('month', now() AT TIME ZONE $1) AT TIME ZONE $1) AS month_start,
                (date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1) AS day_start
       )
       SELECT r.id, r.name,
              COALESCE(sum(d.amount) FILTER (WHERE d.closed_at >= b.month_start), 0)::text AS revenue,
              COALESCE(sum(d.amount) FILTER (WHERE d.closed_at >= b.month_start AND d.closed_at < b.day_start), 0)::text AS revenue_before_today
         FROM reps r
         CROSS JOIN bounds b
         LEFT JOIN deals d ON d.owner_id = r.id AND d.stage IN (SELECT key FROM stages WHERE kind = 'won')
        WHERE r.active
        GROUP BY r.id, r.name`,
      [this.config.timeZone],
    );
    const rankBy = (value: (r: (typeof rows)[number]) => number) =>
      [...rows].sort((a, b) => value(b) - value(a) || a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));
    const before = new Map(rankBy((r) => toMinor(r.revenue_before_today)).map((r, i) => [r.id, i + 1]));
    return rankBy((r) => toMinor(r.revenue)).map((r, i) => ({
      rank: i + 1,
      id: r.id,
      name: r.name,
      value: normalizeMoney(r.revenue),
      movement: (before.get(r.id) ?? i + 1) - (i + 1),
    }));
  }
}
