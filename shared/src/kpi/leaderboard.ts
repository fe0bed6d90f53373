/** Leaderboard ranking: distinct ranks in a fixed order, so every node and client agrees on it. */
import type { LeaderboardRow } from '../events.js';
import { fromMinor } from '../money.js';

export const LEADERBOARD_METRICS = ['revenue', 'won', 'attainment', 'activities', 'winRate'] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];

/** For `revenue` the value is bigint minor units, exact at any size; the row carries it as a decimal string. */
export interface LeaderboardEntry {
  id: string;
  name: string;
  value: number | bigint | null;
}

export interface RankOptions {
  metric: LeaderboardMetric;
  /** Rank of each id at the start of the day; ids missing here get movement null. */
  startOfDayRanks?: ReadonlyMap<string, number>;
}

/** Value descending, no value last; ties by name, then id, compared by code unit so no locale can reorder them. */
export function rankLeaderboard(entries: readonly LeaderboardEntry[], options: RankOptions): LeaderboardRow[] {
  const ordered = entries
    .map((entry) => ({ ...entry, value: typeof entry.value === 'bigint' || Number.isFinite(entry.value) ? entry.value : null }))
    .sort((a, b) => compareValues(a.value, b.value) || compareCodeUnits(a.name, b.name) || compareCodeUnits(a.id, b.id));
  return ordered.map((entry, index) => {
    const rank = index + 1;
    const before = options.startOfDayRanks?.get(entry.id);
    return {
      rank,
      id: entry.id,
      name: entry.name,
      value: typeof entry.value === 'bigint' || (entry.value !== null && options.metric === 'revenue') ? fromMinor(entry.value) : entry.value,
      movement: before === undefined ? null : before - rank,
    };
  });
}

function compareValues(a: number | bigint | null, b: number | bigint | null): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  // Compared, not subtracted: the difference of two bigints is no sort key.
  return a < b ? 1 : a > b ? -1 : 0;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
