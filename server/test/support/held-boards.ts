/**
 * Boards as a screen holds them: each from a snapshot, a REST answer or a whole push, with every
 * `leaderboard.updated` after it applied the way the client's stores apply it, and loaded again
 * over REST when a delta does not fit the rows held.
 */
import { applyLeaderboardUpdate, type HeldLeaderboard, leaderboardKey, type LiveEvent, loadCurrentBoard } from '@salesboard/shared';

export class HeldBoards {
  private readonly held = new Map<string, HeldLeaderboard>();
  /** Per board being loaded again, the newest push that came meanwhile (loadCurrentBoard). */
  private readonly reloading = new Map<string, { seq: number }>();
  /** Deltas that found other rows than their base, by board: each cost a reload. */
  readonly mismatched: string[] = [];

  /** `reload`: GET /api/leaderboard of a board key; without it a mismatch only records the key. */
  constructor(private readonly reload?: (key: string) => Promise<HeldLeaderboard>) {}

  get(key: string): HeldLeaderboard | undefined {
    return this.held.get(key);
  }

  /** Takes a board as loaded; an answer older than what is held is dropped, as the stores do. */
  hold(key: string, board: HeldLeaderboard): void {
    const current = this.held.get(key);
    if (!current || board.seq >= current.seq) this.held.set(key, board);
  }

  /** Applies a pushed board update to the board it names, if that board is held. */
  receive(event: LiveEvent): void {
    if (event.type !== 'leaderboard.updated') return;
    const { metric, period, scope } = event.payload;
    const key = leaderboardKey(metric, period, scope);
    const current = this.held.get(key);
    const pushed = this.reloading.get(key);
    if (pushed) pushed.seq = Math.max(pushed.seq, event.seq);
    if (!current || pushed) return;
    const next = applyLeaderboardUpdate(current, event.payload, event.seq);
    if (next) {
      this.held.set(key, next);
      return;
    }
    this.mismatched.push(key);
    if (!this.reload) return;
    const reload = this.reload;
    const meanwhile = { seq: -1 };
    this.reloading.set(key, meanwhile);
    void loadCurrentBoard(() => reload(key), meanwhile)
      .then((board) => this.hold(key, board))
      .finally(() => this.reloading.delete(key));
  }
}

/** GET /api/leaderboard's query for a live board key (`revenue|month|all`, `won|week|team:<id>`, `revenue|year|teams`). */
export function leaderboardQueryOf(key: string): string {
  const [metric, period, scope] = key.split('|');
  const [kind, id] = scope.split(':');
  const params = new URLSearchParams({ metric, period });
  if (kind === 'teams') params.set('entity', 'teams');
  if (kind === 'team') params.set('teamId', id);
  if (kind === 'territory') params.set('territoryId', id);
  return `/api/leaderboard?${params.toString()}`;
}
