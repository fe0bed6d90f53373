import { tiedRanks, type LeaderboardRow } from '@salesboard/shared';

/** `none`: the row has no rank yet, so no movement either. */
export type MovementDirection = 'up' | 'down' | 'same' | 'new' | 'none';

export interface Standing {
  /** What the rank column shows: "8", "=8" when tied, "–" when not ranked yet. */
  rankText: string;
  /** The same in words, for screen readers and titles: "Rank 8", "Tied 8", "Not ranked yet". */
  rankLabel: string;
  tied: boolean;
  direction: MovementDirection;
  arrow: string;
  /** "Up 2", "Same", "New"; empty without a rank. */
  movementText: string;
}

/** vue-i18n's `t`. */
type Translate = (key: string, values?: Record<string, unknown>) => string;

const ARROWS: Record<MovementDirection, string> = { up: '▲', down: '▼', same: '–', new: '★', none: '' };

/**
 * How every board (wallboard, dashboard, phone) shows a row's place: one reading of the shared
 * ranking rule (kpi/leaderboard.ts), so the three screens cannot tell a rep different things.
 */
export function standingsOf(rows: readonly LeaderboardRow[], t: Translate): Map<string, Standing> {
  const tied = tiedRanks(rows);
  return new Map(rows.map((row) => [row.id, standingOf(row, tied.has(row.rank ?? -1), t)]));
}

function standingOf(row: LeaderboardRow, tied: boolean, t: Translate): Standing {
  if (row.rank === null) {
    const label = t('leaderboard.notRanked');
    return { rankText: '–', rankLabel: label, tied: false, direction: 'none', arrow: '', movementText: '' };
  }
  const direction: MovementDirection = row.movement === null ? 'new' : row.movement > 0 ? 'up' : row.movement < 0 ? 'down' : 'same';
  return {
    rankText: tied ? `=${row.rank}` : String(row.rank),
    rankLabel: t(tied ? 'leaderboard.rankTied' : 'leaderboard.rank', { rank: row.rank }),
    tied,
    direction,
    arrow: ARROWS[direction],
    movementText: t(`leaderboard.movement.${direction}`, { places: Math.abs(row.movement ?? 0) }),
  };
}

/** The row a rep must pass to move up: the lowest-placed row ranked above them (any row ranked, when they have no rank yet). */
export function nextAbove(rows: readonly LeaderboardRow[], mine: LeaderboardRow): LeaderboardRow | null {
  const above = rows.filter((row) => row.rank !== null && (mine.rank === null || row.rank < mine.rank));
  return above.at(-1) ?? null;
}
