/**
 * The funnel, a cohort: the deals created in the period (created_at in [start, end)), each
 * counted at the furthest stage it has reached by now, in stage order. A stage's count is the
 * deals that reached at least that stage, so the funnel never widens going down, and a deal that
 * skipped a stage still counts at it (it went past). "Moved on" is the next stage's count over
 * this one's; after the last open stage, the next is won.
 *
 * How far a deal got, from its current stage and every stage its history names (moved to or from):
 * - a won deal (now, or ever in its history) reached every open stage, and won;
 * - otherwise the furthest open stage among those; a lost deal's history names the stage it was
 *   lost from, so it counts there;
 * - a deal with none of these (imported lost without a known stage) counts at the first open
 *   stage: it entered the pipeline, and the first stage's count is the whole cohort.
 * Stages not in the list (none can be deleted while history names them) are ignored.
 *
 * Stuck deals: open deals past their stage's limit now.
 */
import type { Stage } from '../domain.js';
import { MS_PER_DAY } from './civil-date.js';
import type { PeriodRange } from './period.js';
import type { DealRow, StageHistoryRow } from './rows.js';

export interface FunnelStage {
  stage: string;
  label: string;
  /** Deals of the cohort that reached at least this stage. */
  reached: number;
  /** The next stage's count (after the last open stage: won) over this one's; null when none reached it. */
  progressed: number | null;
}

/** What the funnel needs of a deal: its current stage and when it was created. */
export type FunnelDeal = Pick<DealRow, 'id' | 'stage' | 'createdAt'>;
/** What the funnel needs of a move: the stages it names, not when it happened (nor how often). */
export type FunnelMove = Pick<StageHistoryRow, 'dealId' | 'fromStage' | 'toStage'>;

export const DEFAULT_STUCK_AFTER_DAYS = 14;

/**
 * Open stages in position order, over the deals created in the range. The caller filters deals
 * to the scope it wants; history rows of deals not in the cohort are ignored.
 */
export function computeFunnel(
  deals: readonly FunnelDeal[],
  history: readonly FunnelMove[],
  stages: readonly Stage[],
  range: Pick<PeriodRange, 'start' | 'end'>,
): FunnelStage[] {
  const openStages = stages.filter((stage) => stage.kind === 'open').sort((a, b) => a.position - b.position);
  // Rank 1..n for the open stages, n + 1 for any won stage; lost and unknown stages have none.
  const rank = new Map<string, number>(openStages.map((stage, index) => [stage.key, index + 1]));
  for (const stage of stages) if (stage.kind === 'won') rank.set(stage.key, openStages.length + 1);

  const furthest = new Map<string, number>();
  for (const deal of deals) {
    if (inRange(deal.createdAt, range)) furthest.set(deal.id, Math.max(1, rank.get(deal.stage) ?? 0));
  }
  for (const move of history) {
    const soFar = furthest.get(move.dealId);
    if (soFar === undefined) continue;
    const reachedNow = Math.max(rank.get(move.toStage) ?? 0, move.fromStage === null ? 0 : (rank.get(move.fromStage) ?? 0));
    if (reachedNow > soFar) furthest.set(move.dealId, reachedNow);
  }

  // reachedAtLeast[r] = deals whose furthest rank is r or more, for r = 1..n + 1.
  const reachedAtLeast = new Array<number>(openStages.length + 2).fill(0);
  for (const r of furthest.values()) reachedAtLeast[r]++;
  for (let r = openStages.length; r >= 1; r--) reachedAtLeast[r] += reachedAtLeast[r + 1];

  return openStages.map((stage, index) => {
    const reached = reachedAtLeast[index + 1];
    return { stage: stage.key, label: stage.label, reached, progressed: reached === 0 ? null : reachedAtLeast[index + 2] / reached };
  });
}

export type StuckStage = Pick<Stage, 'key' | 'kind'> & { stuckAfterDays?: number | null };
export type StuckDeal<T> = T & { daysInStage: number };

/**
 * Open deals whose whole days in their current stage exceed the stage's limit (so with 14, a
 * deal is stuck from its 15th full day), longest first. Deals in unknown stages are skipped.
 */
export function stuckDeals<T extends Pick<DealRow, 'id' | 'stage' | 'stageEnteredAt'>>(
  deals: readonly T[],
  stages: readonly StuckStage[],
  now: Date,
): StuckDeal<T>[] {
  const stagesByKey = new Map(stages.map((stage) => [stage.key, stage]));
  const stuck: StuckDeal<T>[] = [];
  for (const deal of deals) {
    const stage = stagesByKey.get(deal.stage);
    if (stage?.kind !== 'open') continue;
    const daysInStage = Math.floor((now.getTime() - deal.stageEnteredAt.getTime()) / MS_PER_DAY);
    if (daysInStage > (stage.stuckAfterDays ?? DEFAULT_STUCK_AFTER_DAYS)) stuck.push({ ...deal, daysInStage });
  }
  // The earliest entry has the most days in stage; the exact instant also orders deals within a day.
  return stuck.sort((a, b) => a.stageEnteredAt.getTime() - b.stageEnteredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function inRange(instant: Date, range: Pick<PeriodRange, 'start' | 'end'>): boolean {
  return instant.getTime() >= range.start.getTime() && instant.getTime() < range.end.getTime();
}
