import fc from 'fast-check';
import type { LeaderboardRow } from '../events.js';
import { hasResult, LEADERBOARD_METRICS, type LeaderboardEntry, type LeaderboardMetric, rankLeaderboard, tiedRanks } from './leaderboard.js';

describe('rankLeaderboard', () => {
  it('ranks by value, highest first, with no value unranked and last', () => {
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
      [null, 'Budi', null],
    ]);
  });

  it('gives tied values one rank, competition style (1, 2, 2, 4), listed by name, then id, by code unit', () => {
    const rows = rankLeaderboard(
      [
        { id: 'b', name: 'ana', value: 0.5 },
        { id: 'z', name: 'Ana', value: 0.5 },
        { id: 'a', name: 'Ana', value: 0.5 },
        { id: 'c', name: 'Ána', value: 0.25 },
        { id: 'd', name: 'Dewi', value: 0.75 },
      ],
      { metric: 'winRate' },
    );
    expect(rows.map((row) => `${row.rank}:${row.id}`)).toEqual(['1:d', '2:a', '2:z', '2:b', '5:c']);
    expect([...tiedRanks(rows)]).toEqual([2]);
  });

  it('leaves a rep with nothing yet this period unranked (zero revenue, deals, attainment or activities), and one with a first result new on the board', () => {
    for (const metric of ['revenue', 'won', 'attainment', 'activities'] as const) {
      const rows = rankLeaderboard(
        [
          { id: '1', name: 'Ana', value: 0 },
          { id: '2', name: 'Budi', value: 2 },
        ],
        {
          metric,
          baseline: new Map([
            ['1', 0],
            ['2', 0],
          ]),
        },
      );
      expect({ metric, rows: rows.map((row) => [row.id, row.rank, row.movement]) }).toEqual({
        metric,
        rows: [
          ['2', 1, null],
          ['1', null, null],
        ],
      });
    }
  });

  it('ranks a win rate of 0 (deals closed, all lost): that is a result, not nothing', () => {
    const rows = rankLeaderboard(
      [
        { id: '1', name: 'Ana', value: 0 },
        { id: '2', name: 'Budi', value: null },
      ],
      { metric: 'winRate' },
    );
    expect(rows.map((row) => [row.id, row.rank])).toEqual([
      ['1', 1],
      ['2', null],
    ]);
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

  it('counts places a rep passed with their own results, and null for someone new today', () => {
    const rows = rankLeaderboard(
      [
        { id: 'up', name: 'Up', value: 10 },
        { id: 'down', name: 'Down', value: 4 },
        { id: 'new', name: 'New', value: 1 },
      ],
      {
        metric: 'won',
        baseline: new Map([
          ['up', 5],
          ['down', 6],
        ]),
      },
    );
    expect(rows.map((row) => [row.id, row.movement])).toEqual([
      ['up', 1],
      ['down', -1],
      ['new', null],
    ]);
  });

  it('shows no drop for those below when the leader wins again, nor when someone from below passes them', () => {
    const baseline = new Map([
      ['a', 10],
      ['b', 8],
      ['c', 6],
      ['d', 1],
    ]);
    const rows = rankLeaderboard(
      [
        { id: 'a', name: 'A', value: 20 },
        { id: 'b', name: 'B', value: 8 },
        { id: 'c', name: 'C', value: 6 },
        { id: 'd', name: 'D', value: 9 },
      ],
      { metric: 'won', baseline },
    );
    expect(rows.map((row) => [row.id, row.rank, row.movement])).toEqual([
      ['a', 1, 0],
      ['d', 2, 2],
      ['b', 3, 0],
      ['c', 4, 0],
    ]);
  });

  it('shows revenue, given in minor units, as a decimal string', () => {
    const rows = rankLeaderboard([{ id: '1', name: 'Ana', value: 150000050 }], { metric: 'revenue' });
    expect(rows[0].value).toBe('1500000.50');
  });

  it('treats a value that is not a finite number as no value', () => {
    const rows = rankLeaderboard(
      [
        { id: '1', name: 'Ana', value: Number.NaN },
        { id: '2', name: 'Budi', value: 0.5 },
      ],
      { metric: 'attainment' },
    );
    expect(rows.map((row) => [row.id, row.value, row.rank])).toEqual([
      ['2', 0.5, 1],
      ['1', null, null],
    ]);
  });
});

describe('rankLeaderboard, over any board', () => {
  /** Small values so that ties, zeros and nulls are common; names from a small set so names tie too. */
  const valueArb = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 }));
  const repArb = fc.record({
    name: fc.constantFrom('Ana', 'Budi', 'ana', 'Citra'),
    before: fc.option(valueArb, { nil: undefined }),
    now: valueArb,
  });
  const boardArb = fc.record({
    metric: fc.constantFrom<LeaderboardMetric>(...LEADERBOARD_METRICS.filter((metric) => metric !== 'revenue')),
    reps: fc.array(repArb, { maxLength: 12 }),
  });

  type Board = { metric: LeaderboardMetric; reps: { name: string; before?: number | null; now: number | null }[] };

  function rank(board: Board, idOf = (i: number) => `r${i}`): Map<string, LeaderboardRow> {
    const entries: LeaderboardEntry[] = board.reps.map((rep, i) => ({ id: idOf(i), name: rep.name, value: rep.now }));
    const baseline = new Map(board.reps.flatMap((rep, i) => (rep.before === undefined ? [] : [[idOf(i), rep.before] as const])));
    return new Map(rankLeaderboard(entries, { metric: board.metric, baseline }).map((row) => [row.id, row]));
  }

  it('never shows a drop, nor a rise, for a rep whose own value did not change', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const rows = rank(board);
        board.reps.forEach((rep, i) => {
          if (rep.before !== undefined && rep.before === rep.now) expect([0, null]).toContain(rows.get(`r${i}`)!.movement);
        });
      }),
    );
  });

  it('moves a rep up only on a better own value and down only on a worse one', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const rows = rank(board);
        const score = (value: number | null) => value ?? -1;
        board.reps.forEach((rep, i) => {
          const movement = rows.get(`r${i}`)!.movement;
          if (movement === null || rep.before === undefined) return;
          if (movement > 0) expect(score(rep.now)).toBeGreaterThan(score(rep.before));
          if (movement < 0) expect(score(rep.now)).toBeLessThan(score(rep.before));
        });
      }),
    );
  });

  it('gives tied reps one rank, and the same movement when they were tied at the start too', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const rows = rank(board);
        board.reps.forEach((a, i) =>
          board.reps.forEach((b, j) => {
            const rowA = rows.get(`r${i}`)!;
            const rowB = rows.get(`r${j}`)!;
            if (a.now === b.now) expect(rowA.rank).toBe(rowB.rank);
            else if (rowA.rank !== null && rowB.rank !== null) expect(rowA.rank).not.toBe(rowB.rank);
            if (a.now === b.now && a.before !== undefined && a.before === b.before) expect(rowA.movement).toBe(rowB.movement);
          }),
        );
      }),
    );
  });

  it('ranks competition style: one plus the number of reps with a better value; no rank without a result', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const rows = rank(board);
        board.reps.forEach((rep, i) => {
          const better = board.reps.filter((other) => other.now !== null && (rep.now === null || other.now > rep.now)).length;
          expect(rows.get(`r${i}`)!.rank).toBe(hasResult(board.metric, rep.now) ? better + 1 : null);
        });
      }),
    );
  });

  it('moves nobody for what another rep did: changing another rep’s value today changes no one else’s movement', () => {
    fc.assert(
      fc.property(boardArb, fc.nat(), valueArb, (board, which, value) => {
        fc.pre(board.reps.length > 1);
        const other = which % board.reps.length;
        const changed = { ...board, reps: board.reps.map((rep, i) => (i === other ? { ...rep, now: value } : rep)) };
        const before = rank(board);
        const after = rank(changed);
        board.reps.forEach((rep, i) => {
          if (i !== other && hasResult(board.metric, rep.now)) expect(after.get(`r${i}`)!.movement).toBe(before.get(`r${i}`)!.movement);
        });
      }),
    );
  });

  it('does not depend on names or ids, which only order the tied', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const plain = rank(board);
        const renamed = rank({ ...board, reps: board.reps.map((rep) => ({ ...rep, name: 'Same' })) }, (i) => `x${board.reps.length - i}`);
        board.reps.forEach((_, i) => {
          const a = plain.get(`r${i}`)!;
          const b = renamed.get(`x${board.reps.length - i}`)!;
          expect([b.rank, b.movement]).toEqual([a.rank, a.movement]);
        });
      }),
    );
  });
});
