import type { MovementDirection } from '@/composables/leaderboard-standing';

/** One row of the revenue race as the wallboard prints it. */
export interface RaceRow {
  id: string;
  name: string;
  rank: number | null;
  rankText: string;
  rankLabel: string;
  /** Only a change of place is news: null when the rep holds their place or has none yet. */
  direction: Exclude<MovementDirection, 'same' | 'none'> | null;
  arrow: string;
  movementText: string;
  valueText: string;
  gapText: string;
  /** Share of the leader's figure, 0–1: the length of the bar behind the row. */
  share: number;
}

function sameRow(a: RaceRow, b: RaceRow): boolean {
  return (Object.keys(a) as (keyof RaceRow)[]).every((key) => Object.is(a[key], b[key]));
}

/**
 * `next`, with each row that reads the same as in `previous` replaced by its previous object: a
 * win changes one or two rows, and only theirs should render again.
 */
export function keepUnchangedRows(previous: ReadonlyMap<string, RaceRow> | undefined, next: RaceRow[]): Map<string, RaceRow> {
  return new Map(
    next.map((row) => {
      const before = previous?.get(row.id);
      return [row.id, before && sameRow(before, row) ? before : row];
    }),
  );
}

/** `next`, or `previous` when it lists the same ids in the same order, so nothing that depends on the order alone runs again. */
export function keepOrder(previous: readonly string[] | undefined, next: string[]): readonly string[] {
  return previous && previous.length === next.length && previous.every((id, index) => id === next[index]) ? previous : next;
}
