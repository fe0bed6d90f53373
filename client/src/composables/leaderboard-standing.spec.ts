import { describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import { makeLeaderboardRow } from '@/test-support/live-fixtures';
import { nextAbove, standingsOf } from './leaderboard-standing';

const rows = [
  makeLeaderboardRow({ rank: 1, id: 'a', name: 'Ayu', value: '300.00', movement: 0 }),
  makeLeaderboardRow({ rank: 2, id: 'b', name: 'Budi', value: '200.00', movement: 1 }),
  makeLeaderboardRow({ rank: 2, id: 'c', name: 'Citra', value: '200.00', movement: null }),
  makeLeaderboardRow({ rank: 4, id: 'd', name: 'Dewi', value: '100.00', movement: -1 }),
  makeLeaderboardRow({ rank: null, id: 'e', name: 'Eko', value: '0.00', movement: null }),
];

describe('leaderboard standings', () => {
  it('marks a shared rank as tied, and a row without one as not ranked yet, with no movement', () => {
    const { t } = createAppI18n('en').global;
    const standings = standingsOf(rows, t);
    expect(rows.map((row) => standings.get(row.id)).map((s) => [s?.rankText, s?.rankLabel, s?.direction, s?.movementText])).toEqual([
      ['1', 'Rank 1', 'same', 'Same'],
      ['=2', 'Tied 2', 'up', 'Up 1'],
      ['=2', 'Tied 2', 'new', 'New'],
      ['4', 'Rank 4', 'down', 'Down 1'],
      ['–', 'Not ranked yet', 'none', ''],
    ]);
  });

  it('says the same in Bahasa Indonesia', () => {
    const { t } = createAppI18n('id').global;
    const standings = standingsOf(rows, t);
    expect([standings.get('b')?.rankLabel, standings.get('e')?.rankLabel]).toEqual(['Seri di peringkat 2', 'Belum berperingkat']);
  });

  it('finds the row to pass: the lowest placed above, past a tie; the last ranked for one not ranked yet', () => {
    expect(nextAbove(rows, rows[3])?.id).toBe('c');
    expect(nextAbove(rows, rows[1])?.id).toBe('a');
    expect(nextAbove(rows, rows[4])?.id).toBe('d');
    expect(nextAbove(rows, rows[0])).toBeNull();
  });
});
