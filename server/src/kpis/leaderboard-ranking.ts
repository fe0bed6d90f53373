/**
 * Leaderboards from the aggregates. The baseline of movement is each member's value from
 * everything dated before today (local): the standing at the start of the day, recomputable
 * at any time and on every node, so it survives restarts and agrees across replicas. How ranks
 * and movement follow from the values is rankLeaderboard's rule, in shared.
 */
import {
  type BoardScope,
  LEADERBOARD_METRICS,
  type LeaderboardEntity,
  type LeaderboardEntry,
  type LeaderboardMetric,
  type LeaderboardRow,
  type PeriodRange,
  rankLeaderboard,
  ratioOfMinor,
  type Scope,
} from '@salesboard/shared';
import type { ActivityBucket, ClosedBucket } from './buckets.js';
import type { KpiAggregates, NamedEntity } from './kpi-aggregates.js';

/** Every metric's board for one entity kind, scope and period, computed in one pass over the entities. */
export function rankBoards(
  aggregates: KpiAggregates,
  entity: LeaderboardEntity,
  scope: BoardScope,
  range: PeriodRange,
  today: number,
  metrics: readonly LeaderboardMetric[] = LEADERBOARD_METRICS,
): Map<LeaderboardMetric, LeaderboardRow[]> {
  const span = aggregates.daySpan(range);
  const members: { entity: NamedEntity; scope: Scope }[] =
    entity === 'reps'
      ? aggregates
          .repsIn(scope)
          .filter((rep) => rep.active)
          .map((rep) => ({ entity: rep, scope: { kind: 'rep', id: rep.id } }))
      : [...aggregates.teams.values()].map((team) => ({ entity: team, scope: { kind: 'team', id: team.id } }));

  const now = metrics.map((): LeaderboardEntry[] => []);
  const before = metrics.map(() => new Map<string, number | bigint | null>());
  const withQuota = metrics.includes('attainment');
  for (const member of members) {
    const { id, name, createdDay } = member.entity;
    const quotaMinor = withQuota ? aggregates.quota(member.scope, range) : null;
    const totals = aggregates.closedAndActivities(`${member.scope.kind}:${id}`, span.first, span.last, today);
    const current = metricValues(totals.closed, totals.activities, quotaMinor);
    const atStartOfDay = metricValues(totals.closedBefore, totals.activitiesBefore, quotaMinor);
    metrics.forEach((metric, i) => {
      now[i].push({ id, name, value: current[metric] });
      // Whoever appeared today had no place at the start of it: movement null.
      if (createdDay < today) before[i].set(id, atStartOfDay[metric]);
    });
  }

  const boards = new Map<LeaderboardMetric, LeaderboardRow[]>();
  metrics.forEach((metric, i) => {
    boards.set(metric, rankLeaderboard(now[i], { metric, baseline: before[i] }));
  });
  return boards;
}

/**
 * Each metric's value, as the design's KPI table defines it (and computeKpis computes it:
 * the spec checks the two agree); revenue in minor units, as rankLeaderboard wants it.
 */
export function metricValues(closed: ClosedBucket, activities: ActivityBucket, quotaMinor: bigint | null): Record<LeaderboardMetric, number | bigint | null> {
  const closedCount = closed.won + closed.lost;
  return {
    revenue: closed.revenueMinor,
    won: closed.won,
    attainment: ratioOfMinor(closed.revenueMinor, quotaMinor),
    activities: activities.call + activities.email + activities.meeting + activities.demo,
    winRate: closedCount === 0 ? null : closed.won / closedCount,
  };
}
