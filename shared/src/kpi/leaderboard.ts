/**
 * Leaderboard ranking, the same on every node and client.
 *
 * - Rank: competition ranking (1, 2, 2, 4). Equal values share a rank; the tied are listed by
 *   name, then id, so the order is stable, but that order is no standing.
 * - No rank for nothing yet: a value that is null, or zero on a board that counts or sums
 *   (revenue, won, attainment, activities), is no result to rank. Such rows come last, with rank
 *   and movement null. A win rate of 0 is a result (deals closed, all lost) and is ranked.
 * - Movement: the places a rep's own results moved them since the baseline (the start of the
 *   day), measured against everyone else as they stood at the baseline:
 *     movement = (1 + others whose baseline beats my baseline value)
 *              − (1 + others whose baseline beats my value now).
 *   So a rep whose own value did not change shows 0 whatever the others did (a win by #1 or a
 *   rep passing from below moves no one else's arrow), a better own value never shows a drop,
 *   and reps tied now and at the baseline show the same movement. Null for a rep who was not
 *   on the board at the baseline (new today, or no result yet then: passing reps who have nothing
 *   is no place gained) and for a row without a rank.
 */
import type { LeaderboardRow } from '../events.js';
import { fromMinor, toMinor } from '../money.js';

export const LEADERBOARD_METRICS = ['revenue', 'won', 'attainment', 'activities', 'winRate'] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];

type Value = number | bigint | null;

/** For `revenue` the value is bigint minor units, exact at any size; the row carries it as a decimal string. */
export interface LeaderboardEntry {
  id: string;
  name: string;
  value: Value;
}

export interface RankOptions {
  metric: LeaderboardMetric;
  /** Each id's value at the baseline (the start of the day); ids missing here get movement null. */
  baseline?: ReadonlyMap<string, Value>;
}

/** Whether a value is a result to rank on this metric's board (see the file's comment). */
export function hasResult(metric: LeaderboardMetric, value: Value): boolean {
  if (value === null) return false;
  return metric === 'winRate' || (typeof value === 'bigint' ? value !== 0n : value !== 0);
}

/** Ranked rows first, by value descending, then the unranked; ties by name, then id, compared by code unit so no locale can reorder them. */
export function rankLeaderboard(entries: readonly LeaderboardEntry[], options: RankOptions): LeaderboardRow[] {
  const { metric } = options;
  const ordered = entries.map((entry) => ({ ...entry, value: finite(entry.value) })).sort(compareEntries);
  const others = options.baseline ? baselineCounter(options.baseline) : null;

  let rank = 0;
  return ordered.map((entry, index) => {
    const ranked = hasResult(metric, entry.value);
    if (ranked && (index === 0 || compareValues(ordered[index - 1].value, entry.value) !== 0)) rank = index + 1;
    const before = options.baseline?.has(entry.id) ? finite(options.baseline.get(entry.id) ?? null) : null;
    return {
      rank: ranked ? rank : null,
      id: entry.id,
      name: entry.name,
      value: typeof entry.value === 'bigint' || (entry.value !== null && metric === 'revenue') ? fromMinor(entry.value) : entry.value,
      movement: ranked && others && hasResult(metric, before) ? others.beating(before, before) - others.beating(entry.value, before) : null,
    };
  });
}

/**
 * The order of a board's rows, as rankLeaderboard lists them, from the rows alone: a screen that
 * applies a `leaderboard.updated` delta sorts with this and gets the server's order exactly.
 * Revenue rows carry decimal strings, compared as exact minor units.
 */
export function compareLeaderboardRows(a: Pick<LeaderboardRow, 'id' | 'name' | 'value'>, b: Pick<LeaderboardRow, 'id' | 'name' | 'value'>): number {
  return compareEntries({ id: a.id, name: a.name, value: rowValue(a.value) }, { id: b.id, name: b.name, value: rowValue(b.value) });
}

function rowValue(value: LeaderboardRow['value']): Value {
  return typeof value === 'string' ? toMinor(value) : value;
}

/** Value descending, null last; ties by name, then id, compared by code unit so no locale can reorder them. */
function compareEntries(a: LeaderboardEntry, b: LeaderboardEntry): number {
  return compareValues(a.value, b.value) || compareCodeUnits(a.name, b.name) || compareCodeUnits(a.id, b.id);
}

/** Ranks held by more than one row: the client shows those as "tied". */
export function tiedRanks(rows: readonly Pick<LeaderboardRow, 'rank'>[]): Set<number> {
  const seen = new Set<number>();
  const tied = new Set<number>();
  for (const { rank } of rows) {
    if (rank === null) continue;
    if (seen.has(rank)) tied.add(rank);
    seen.add(rank);
  }
  return tied;
}

/**
 * Counts baseline values that beat a value, leaving out the asking rep's own baseline value:
 * sorted once, so a board of n reps costs n log n, not n².
 */
function baselineCounter(baseline: ReadonlyMap<string, Value>) {
  const sorted = [...baseline.values()].map(finite).sort(compareValues);
  /** How many of `sorted` compare before `value` (beat it): the first index not beating it. */
  const beatingAll = (value: Value): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareValues(sorted[middle], value) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    beating: (value: Value, own: Value): number => beatingAll(value) - (compareValues(own, value) < 0 ? 1 : 0),
  };
}

function finite(value: Value): Value {
  return typeof value === 'bigint' || Number.isFinite(value) ? value : null;
}

/** Negative when a beats b: higher first, null last. */
function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  // Compared, not subtracted: the difference of two bigints is no sort key.
  return a < b ? 1 : a > b ? -1 : 0;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
