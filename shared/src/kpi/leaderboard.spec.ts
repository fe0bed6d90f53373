import { rankLeaderboard } from './leaderboard.js';

describe('rankLeaderboard', () => {
  it('ranks by value, highest first, with no value last', () => {
    const rows = rankLeaderboard(
      [
        { id: '1', name: 'Ana', value: 3 },
        { id: '2', name: 'Budi', value: null },
        { id: '3', name: 'Citra', value: 7 },
      ],
      { metric: 'won' },
    );
    expect(rows.map((row) => [row.rank, row.name, row.value])).toEqual([
      [1, 'Citra', 7],
      [2, 'Ana', 3],
      [3, 'Budi', null],
    ]);
  });

  it('gives tied values distinct ranks by name, then id, compared by code unit whatever the locale', () => {
    const rows = rankLeaderboard(
      [
        { id: 'b', name: 'ana', value: 0.5 },
        { id: 'z', name: 'Ana', value: 0.5 },
        { id: 'a', name: 'Ana', value: 0.5 },
        { id: 'c', name: 'Ána', value: 0.5 },
      ],
      { metric: 'winRate' },
    );
    expect(rows.map((row) => `${row.rank}:${row.id}`)).toEqual(['1:a', '2:z', '3:b', '4:c']);
  });

  it('ranks the same whatever order the entries come in', () => {
    const entries = [
      { id: '1', name: 'Dewi', value: 2 },
      { id: '2', name: 'Eko', value: 2 },
      { id: '3', name: 'Fajar', value: null },
      { id: '4', name: 'Gita', value: null },
    ];
    const forwards = rankLeaderboard(entries, { metric: 'activities' });
    const backwards = rankLeaderboard([...entries].reverse(), { metric: 'activities' });
    expect(backwards).toEqual(forwards);
  });

  it('reports places gained since the start of the day, and null for someone new today', () => {
    const rows = rankLeaderboard(
      [
        { id: 'up', name: 'Up', value: 10 },
        { id: 'down', name: 'Down', value: 5 },
        { id: 'new', name: 'New', value: 1 },
      ],
      {
        metric: 'won',
        startOfDayRanks: new Map([
          ['up', 2],
          ['down', 1],
        ]),
      },
    );
    expect(rows.map((row) => row.movement)).toEqual([1, -1, null]);
  });

  it('shows revenue, given in minor units, as a decimal string', () => {
    const rows = rankLeaderboard([{ id: '1', name: 'Ana', value: 150000050 }], { metric: 'revenue' });
    expect(rows[0].value).toBe('1500000.50');
  });

  it('treats a value that is not a finite number as no value', () => {
    const rows = rankLeaderboard(
      [
        { id: '1', name: 'Ana', value: Number.NaN },
        { id: '2', name: 'Budi', value: 0 },
      ],
      { metric: 'attainment' },
    );
    expect(rows.map((row) => [row.id, row.value])).toEqual([
      ['2', 0],
      ['1', null],
    ]);
  });
});
