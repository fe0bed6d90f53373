import { type Deal, orgAmountMinorOf, ratioOfMinor } from '@salesboard/shared';
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';

/** How big a moment a win gets, from its amount against the month's average deal. */
export type CelebrationTier = 'normal' | 'big' | 'huge';

/** A win that is also a first: the rep's first deal of the month, or the one that took them to quota. */
export type Milestone = 'firstOfMonth' | 'quotaReached';

/** What the win did to the rep's standing this month, as the board's pushed leaderboards have it after the win. */
export interface Standing {
  rank: number;
  /** Revenue against quota; null without a quota. */
  attainment: number | null;
}

export interface Celebration {
  /** The seq of the `deal.won` event: one celebration per win, whatever replays it. */
  seq: number;
  dealId: string;
  repId: string;
  repName: string;
  avatarUrl: string | null;
  amountMinor: bigint;
  currency: string;
  /** What the floor knows the deal by: its account, else its name. */
  title: string;
  tier: CelebrationTier;
  /** Null when the standings had not caught up with the win in time. */
  standing: Standing | null;
  milestone: Milestone | null;
}

/** On screen for this long; a bigger deal holds the floor longer. */
export const CELEBRATION_MS: Readonly<Record<CelebrationTier, number>> = { normal: 7_000, big: 11_000, huge: 15_000 };

/** A deal this many times the month's average is big, or huge. */
const BIG_RATIO = 1.5;
const HUGE_RATIO = 3;
/** Wins queued beyond this are still shown, each for the shortest time, so the queue drains. */
const HURRY_AFTER = 3;

export function tierFor(amountMinor: bigint, averageMinor: bigint | null): CelebrationTier {
  if (averageMinor === null || averageMinor <= 0n) return 'normal';
  const ratio = ratioOfMinor(amountMinor, averageMinor) ?? 0;
  if (ratio >= HUGE_RATIO) return 'huge';
  if (ratio >= BIG_RATIO) return 'big';
  return 'normal';
}

export interface WonDeal {
  seq: number;
  deal: Deal;
  avatarUrl?: string | null;
  /** The month's average won deal in minor units, when known. */
  averageMinor: bigint | null;
  standing?: Standing | null;
  milestone?: Milestone | null;
}

/**
 * Won deals waiting for their moment on the wallboard: first in, first shown, none dropped.
 * The store runs the clock, so the wallboard only renders `current` and pauses its rotation.
 */
export const useCelebrationsStore = defineStore('celebrations', () => {
  const queue = shallowRef<Celebration[]>([]);
  const current = computed(() => queue.value[0] ?? null);
  const waiting = computed(() => Math.max(0, queue.value.length - 1));

  const seen = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the current celebration came on screen. */
  let shownSince = 0;

  function celebrate(won: WonDeal): void {
    if (seen.has(won.seq)) return;
    seen.add(won.seq);
    const { deal } = won;
    const amountMinor = orgAmountMinorOf(deal);
    queue.value = [
      ...queue.value,
      {
        seq: won.seq,
        dealId: deal.id,
        repId: deal.ownerId,
        repName: deal.ownerName,
        avatarUrl: won.avatarUrl ?? null,
        amountMinor,
        currency: deal.currency,
        title: deal.accountName ?? deal.name,
        tier: tierFor(amountMinor, won.averageMinor),
        standing: won.standing ?? null,
        milestone: won.milestone ?? null,
      },
    ];
    if (queue.value.length === 1) schedule();
    else if (queue.value.length === HURRY_AFTER + 1) hurryCurrent();
  }

  /** A backlog just formed: the one on screen gets the short time too (what it has had counts). */
  function hurryCurrent(): void {
    clearTimeout(timer);
    timer = setTimeout(next, Math.max(0, shownSince + CELEBRATION_MS.normal - Date.now()));
  }

  function durationOf(celebration: Celebration): number {
    // A backlog (a burst of wins, or a replay after a reconnect) moves on faster, never skips.
    if (queue.value.length > HURRY_AFTER) return CELEBRATION_MS.normal;
    // A milestone is a moment of its own: at least as long as a big win.
    return celebration.milestone ? Math.max(CELEBRATION_MS.big, CELEBRATION_MS[celebration.tier]) : CELEBRATION_MS[celebration.tier];
  }

  function schedule(): void {
    clearTimeout(timer);
    const showing = current.value;
    shownSince = Date.now();
    timer = showing ? setTimeout(next, durationOf(showing)) : undefined;
  }

  /** Ends the current celebration and shows the next one, if any. */
  function next(): void {
    queue.value = queue.value.slice(1);
    schedule();
  }

  function clear(): void {
    clearTimeout(timer);
    timer = undefined;
    queue.value = [];
  }

  return { queue, current, waiting, celebrate, next, clear };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCelebrationsStore, import.meta.hot));
