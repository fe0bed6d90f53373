/**
 * `leaderboard.updated` as a delta. A won deal moves one rep's value and a few ranks; the board's
 * other rows stay as they were, so a push carries only the rows that changed, whole, and the ids
 * that left. The order is not sent: every row carries what the board is sorted by (value, name,
 * id), so a screen sorts with compareLeaderboardRows and gets the server's order exactly.
 *
 * A delta holds only against the exact rows it was made from. It names them by a fingerprint of
 * their content (`base`), not by a seq: a screen that loaded the board over REST holds it at
 * that answer's seq, which says nothing about whether the rows still equal those the server last
 * pushed (a change may be waiting in the server's coalescing window), while equal rows are equal
 * whatever seq they were read at. A screen whose rows do not match loads the board again.
 */
import type { LeaderboardRow } from './events.js';
import { compareLeaderboardRows } from './kpi/leaderboard.js';

/** The whole board: the first push of a board, and whenever a delta would not be smaller. */
export interface LeaderboardWhole {
  rows: LeaderboardRow[];
}

/** What changed since the rows whose fingerprint is `base`: rows new or different, whole, and the ids that left. */
export interface LeaderboardDelta {
  base: string;
  changed: LeaderboardRow[];
  removed: string[];
}

export type LeaderboardChange = LeaderboardWhole | LeaderboardDelta;

export function isLeaderboardDelta(change: LeaderboardChange): change is LeaderboardDelta {
  return 'base' in change;
}

/**
 * A short digest of a board's content, the same on server and screen: each row's fields in a
 * fixed order (key order does not count), hashed to 53 bits (cyrb53), so two different boards
 * share one only by a chance of about 1 in 10^16.
 */
export function leaderboardFingerprint(rows: readonly LeaderboardRow[]): string {
  const text = JSON.stringify(rows.map((row) => [row.id, row.rank, row.value, row.movement, row.name]));
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * What to push for a board that was `previous` (null: nothing sent yet) and is now `next`: null
 * when nothing changed, else a delta or, when that would not be smaller, the whole board.
 */
export function leaderboardChange(previous: readonly LeaderboardRow[] | null, next: LeaderboardRow[]): LeaderboardChange | null {
  const whole: LeaderboardWhole = { rows: next };
  if (previous === null) return whole;
  const before = new Map(previous.map((row) => [row.id, JSON.stringify(row)]));
  const changed = next.filter((row) => before.get(row.id) !== JSON.stringify(row));
  const staying = new Set(next.map((row) => row.id));
  const removed = previous.filter((row) => !staying.has(row.id)).map((row) => row.id);
  if (changed.length === 0 && removed.length === 0) return null;
  const delta: LeaderboardDelta = { base: leaderboardFingerprint(previous), changed, removed };
  return JSON.stringify(delta).length < JSON.stringify(whole).length ? delta : whole;
}

/**
 * The board after `delta`, in the board's order; null when `rows` are not the rows the delta was
 * made from (a push missed, a board loaded while a change waited): then load the board again.
 */
export function applyLeaderboardDelta(rows: readonly LeaderboardRow[], delta: LeaderboardDelta): LeaderboardRow[] | null {
  if (leaderboardFingerprint(rows) !== delta.base) return null;
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of delta.removed) byId.delete(id);
  for (const row of delta.changed) byId.set(row.id, row);
  return [...byId.values()].sort(compareLeaderboardRows);
}

/** A board as a screen holds it: the rows and the seq they reflect (a REST answer's, a snapshot's, a push's). */
export interface HeldLeaderboard {
  seq: number;
  rows: LeaderboardRow[];
}

/**
 * Applies one `leaderboard.updated` (of `seq`) over a held board. What is not newer than the held
 * rows changes nothing and returns `held` itself (a late push must not undo a newer answer; a
 * delta of the very seq held describes a change those rows already have). Null: a delta over
 * other rows than those held, so the screen loads that board again.
 */
export function applyLeaderboardUpdate(held: HeldLeaderboard, change: LeaderboardChange, seq: number): HeldLeaderboard | null {
  if (!isLeaderboardDelta(change)) return seq >= held.seq ? { seq, rows: change.rows } : held;
  if (seq <= held.seq) return held;
  const rows = applyLeaderboardDelta(held.rows, change);
  return rows && { seq, rows };
}

/**
 * Loads a board that a delta did not fit, again as long as a push came meanwhile that the answer
 * is older than: pushes that arrive while a board is loading are not applied (they are made from
 * rows the screen does not hold yet), so an answer older than one of them would leave the board
 * behind, with nothing coming to fix it once the stream goes quiet. `pushedWhileLoading.seq`: the
 * newest such push's seq, kept current by the caller while this runs. It ends when an answer is
 * read after the last push, which comes at most 4 times a second per board (the server's window).
 */
export async function loadCurrentBoard<T extends HeldLeaderboard>(load: () => Promise<T>, pushedWhileLoading: { seq: number }): Promise<T> {
  let answer = await load();
  while (pushedWhileLoading.seq > answer.seq) answer = await load();
  return answer;
}
