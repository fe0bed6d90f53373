import {
  type Deal,
  type LeaderboardQueryInput,
  type LeaderboardRow,
  orgAmountMinorOf,
  ratioOfMinor,
  type Scope,
  type ScopeQuery,
  toMinor,
} from '@salesboard/shared';
import { onScopeDispose, watch } from 'vue';
import { useLeaderboardFigures } from '@/composables/use-figures';
import { useBoardStore } from '@/stores/board';
import { type Milestone, type Standing, useCelebrationsStore } from '@/stores/celebrations';

/** A win older than this (a replay after a long outage) goes to the feed, not to a celebration. */
const CELEBRATE_WITHIN_MS = 15 * 60_000;
/**
 * The server pushes the month's boards a few hundred milliseconds after the win; the floor waits
 * that long for "now #1, 154% of quota", and no longer than this for boards that never come.
 */
const STANDINGS_WAIT_MS = 3_000;
/** An attainment board is not sent when it did not change (a rep without a quota): this long after the others, go without it. */
const ATTAINMENT_GRACE_MS = 600;
const RECHECK_MS = 100;

export interface BoardsAfterWin {
  revenue: readonly LeaderboardRow[];
  won: readonly LeaderboardRow[];
  attainment: readonly LeaderboardRow[] | null;
}

/**
 * The rep's standing once the boards include the win, and whether the win was a milestone: the
 * rep's first won deal of the month, or the deal that took their attainment from under 1 to 1
 * or more (before = after × (revenue − amount) / revenue, exact in minor units).
 */
export function standingAfterWin(repId: string, amountMinor: bigint, boards: BoardsAfterWin): { standing: Standing | null; milestone: Milestone | null } {
  const revenueRow = boards.revenue.find((row) => row.id === repId);
  // Not on the board yet (no rank): the win has not reached the pushed board.
  if (!revenueRow || revenueRow.rank === null) return { standing: null, milestone: null };
  const attainmentValue = boards.attainment?.find((row) => row.id === repId)?.value;
  const attainment = typeof attainmentValue === 'number' ? attainmentValue : null;
  const wonCount = boards.won.find((row) => row.id === repId)?.value;

  let milestone: Milestone | null = null;
  const revenueMinor = typeof revenueRow.value === 'string' ? toMinor(revenueRow.value) : null;
  if (attainment !== null && attainment >= 1 && revenueMinor !== null && revenueMinor > 0n) {
    const before = attainment * (ratioOfMinor(revenueMinor - amountMinor, revenueMinor) ?? 1);
    if (before < 1) milestone = 'quotaReached';
  }
  if (milestone === null && wonCount === 1) milestone = 'firstOfMonth';
  return { standing: { rank: revenueRow.rank, attainment }, milestone };
}

interface Awaiting {
  seq: number;
  deal: Deal;
  since: number;
  /** When the revenue and won boards first included the win. */
  boardsSince: number | null;
}

/**
 * Turns the board's won deals into celebrations: only wins of the board's scope, each once, in
 * order, each with what it did to the standings. Holds the month's revenue, won and attainment
 * boards of the scope (pushed, loaded once); returns the revenue board, which the race shows.
 */
export function useWinCelebrations(options: { scope: () => Scope; scopeQuery: () => ScopeQuery; averageMinor: () => bigint | null }) {
  const board = useBoardStore();
  const celebrations = useCelebrationsStore();
  const boardOf = (metric: 'revenue' | 'won' | 'attainment') =>
    useLeaderboardFigures(() => ({ metric, period: 'month', ...options.scopeQuery() }) as LeaderboardQueryInput);
  const revenue = boardOf('revenue');
  const won = boardOf('won');
  const attainment = boardOf('attainment');

  const awaiting: Awaiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function release(): void {
    clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    while (awaiting.length > 0) {
      const next = awaiting[0];
      const includes = (held: typeof revenue) => (held.data.value?.seq ?? -1) >= next.seq;
      const core = includes(revenue) && includes(won);
      if (core && next.boardsSince === null) next.boardsSince = now;
      const complete = core && (includes(attainment) || now - (next.boardsSince ?? now) >= ATTAINMENT_GRACE_MS);
      if (!complete && now - next.since < STANDINGS_WAIT_MS) break;
      awaiting.shift();
      const { deal } = next;
      const result = core
        ? standingAfterWin(deal.ownerId, orgAmountMinorOf(deal), {
            revenue: revenue.data.value?.rows ?? [],
            won: won.data.value?.rows ?? [],
            // Not caught up after the grace: the rep has no quota (nothing changed), or the figure is late; either way none is shown.
            attainment: includes(attainment) ? (attainment.data.value?.rows ?? null) : null,
          })
        : { standing: null, milestone: null };
      celebrations.celebrate({
        seq: next.seq,
        deal,
        avatarUrl: board.repsById.get(deal.ownerId)?.avatarUrl ?? null,
        averageMinor: options.averageMinor(),
        ...result,
      });
    }
    if (awaiting.length > 0) timer = setTimeout(release, RECHECK_MS);
  }

  const stop = board.onEvent((event) => {
    if (event.type !== 'deal.won') return;
    const { deal } = event.payload;
    const scope = options.scope();
    if (scope.kind === 'team' && deal.teamId !== scope.id) return;
    if (scope.kind === 'territory' && deal.territoryId !== scope.id) return;
    if (Date.now() - Date.parse(event.at) > CELEBRATE_WITHIN_MS) return;
    if (awaiting.some((waiting) => waiting.seq === event.seq)) return;
    awaiting.push({ seq: event.seq, deal, since: Date.now(), boardsSince: null });
    release();
  });
  watch(() => [revenue.data.value?.seq, won.data.value?.seq, attainment.data.value?.seq], release);

  onScopeDispose(() => {
    stop();
    clearTimeout(timer);
    awaiting.length = 0;
  });

  return { revenue };
}
