/** Stage conversion and stuck deals: where the pipeline leaks and where it stalls. */
import type { Stage } from '../domain.js';
import { MS_PER_DAY } from './civil-date.js';
import type { PeriodRange } from './period.js';
import type { DealRow, StageHistoryRow } from './rows.js';

export interface FunnelStage {
  stage: string;
  label: string;
  /** Deals that entered the stage in the period, each once. */
  entered: number;
  /** Share of those that later moved to a later open stage or to won; null when none entered. */
  progressed: number | null;
}

export const DEFAULT_STUCK_AFTER_DAYS = 14;

/** Open stages in position order. The caller filters the history to the scope it wants. */
export function computeFunnel(history: readonly StageHistoryRow[], stages: readonly Stage[], range: Pick<PeriodRange, 'start' | 'end'>): FunnelStage[] {
  const stagesByKey = new Map(stages.map((stage) => [stage.key, stage]));
  const byDeal = groupByDeal(history);
  const openStages = stages.filter((stage) => stage.kind === 'open').sort((a, b) => a.position - b.position);

  return openStages.map((stage) => {
    const isLater = (key: string) => {
      const to = stagesByKey.get(key);
      return to !== undefined && (to.kind === 'won' || (to.kind === 'open' && to.position > stage.position));
    };
    let entered = 0;
    let progressed = 0;
    for (const moves of byDeal.values()) {
      const entry = moves.findIndex((move) => move.toStage === stage.key && inRange(move.at, range));
      if (entry === -1) continue;
      entered++;
      if (moves.slice(entry + 1).some((move) => isLater(move.toStage))) progressed++;
    }
    return { stage: stage.key, label: stage.label, entered, progressed: entered === 0 ? null : progressed / entered };
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

/** Each deal's moves, oldest first (stable, so moves at the same instant keep their given order). */
function groupByDeal(history: readonly StageHistoryRow[]): Map<string, StageHistoryRow[]> {
  const byDeal = new Map<string, StageHistoryRow[]>();
  for (const move of history) {
    const moves = byDeal.get(move.dealId);
    if (moves) moves.push(move);
    else byDeal.set(move.dealId, [move]);
  }
  for (const moves of byDeal.values()) moves.sort((a, b) => a.at.getTime() - b.at.getTime());
  return byDeal;
}

function inRange(instant: Date, range: Pick<PeriodRange, 'start' | 'end'>): boolean {
  return instant.getTime() >= range.start.getTime() && instant.getTime() < range.end.getTime();
}
