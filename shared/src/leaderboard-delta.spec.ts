import fc from 'fast-check';
import type { LeaderboardRow } from './events.js';
import { type LeaderboardEntry, LEADERBOARD_METRICS, type LeaderboardMetric, rankLeaderboard } from './kpi/leaderboard.js';
import {
  applyLeaderboardDelta,
  applyLeaderboardUpdate,
  isLeaderboardDelta,
  loadCurrentBoard,
  leaderboardChange,
  leaderboardFingerprint,
} from './leaderboard-delta.js';

/** A few names and small values, so ties of value and of name are common. */
const NAMES = ['Ayu', 'Budi', 'ayu', 'Ána', 'Citra'];
const valueOf = (metric: LeaderboardMetric): fc.Arbitrary<LeaderboardEntry['value']> =>
  metric === 'revenue'
    ? fc.option(
        fc.bigInt({ min: -300n, max: 300n }).map((v) => v * 1_000_00n),
        { nil: null, freq: 6 },
      )
    : metric === 'winRate' || metric === 'attainment'
      ? fc.option(fc.constantFrom(0, 0.25, 0.5, 1 / 3, 1.5), { nil: null, freq: 6 })
      : fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 6 });

const mostly = fc.integer({ min: 0, max: 4 }).map((n) => n > 0);

/** One rep's state on two boards of one metric: on A and/or B (coming and going), with values and a baseline. */
const boardsArb = fc.constantFrom(...LEADERBOARD_METRICS).chain((metric) =>
  fc
    .uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 3 }),
        name: fc.constantFrom(...NAMES),
        renamed: fc.option(fc.constantFrom(...NAMES), { freq: 8 }),
        onA: mostly,
        onB: mostly,
        a: valueOf(metric),
        b: valueOf(metric),
        moves: fc.boolean(),
        baseline: fc.option(valueOf(metric), { freq: 3 }),
      }),
      { selector: (rep) => rep.id, maxLength: 40 },
    )
    .map((reps) => {
      const baseline = new Map(reps.filter((rep) => rep.baseline !== null).map((rep) => [rep.id, rep.baseline as LeaderboardEntry['value']]));
      const board = (entries: LeaderboardEntry[]) => rankLeaderboard(entries, { metric, baseline });
      const a = board(reps.filter((rep) => rep.onA).map((rep) => ({ id: rep.id, name: rep.name, value: rep.a })));
      const b = board(reps.filter((rep) => rep.onB).map((rep) => ({ id: rep.id, name: rep.renamed ?? rep.name, value: rep.moves ? rep.b : rep.a })));
      return { a, b };
    }),
);

describe('leaderboardChange and applyLeaderboardDelta', () => {
  it('turn board A into exactly board B, order included, with a push never larger than B whole', () => {
    let deltas = 0;
    fc.assert(
      fc.property(boardsArb, ({ a, b }) => {
        const change = leaderboardChange(a, b);
        if (change === null) {
          expect(b).toEqual(a);
          return;
        }
        expect(JSON.stringify(change).length).toBeLessThanOrEqual(JSON.stringify({ rows: b }).length);
        const after = isLeaderboardDelta(change) ? applyLeaderboardDelta(a, change) : change.rows;
        expect(after).toEqual(b);
        if (isLeaderboardDelta(change)) deltas++;
      }),
      { numRuns: 2000 },
    );
    // The property is only worth something if deltas, not just whole boards, were made.
    expect(deltas).toBeGreaterThan(200);
  });

  it('refuses a delta over any rows but those it was made from', () => {
    fc.assert(
      fc.property(boardsArb, boardsArb, ({ a, b }, { a: other }) => {
        const change = leaderboardChange(a, b);
        fc.pre(change !== null && isLeaderboardDelta(change) && JSON.stringify(other) !== JSON.stringify(a));
        expect(applyLeaderboardDelta(other, change as Extract<typeof change, { base: string }>)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('sends a won deal as the rows it moved only', () => {
    const row = (rank: number, id: string, value: string, movement: number | null = 0): LeaderboardRow => ({ rank, id, name: id, value, movement });
    const before = [row(1, 'a', '500.00'), row(2, 'b', '400.00'), row(3, 'c', '300.00'), row(4, 'd', '200.00'), row(5, 'e', '100.00')];
    // d wins 150 and passes c: d's row and c's change, the other three do not.
    const after = [row(1, 'a', '500.00'), row(2, 'b', '400.00'), row(3, 'd', '350.00', 1), row(4, 'c', '300.00'), row(5, 'e', '100.00')];
    const change = leaderboardChange(before, after);
    expect(change).toEqual({ base: leaderboardFingerprint(before), changed: [after[2], after[3]], removed: [] });
    expect(applyLeaderboardDelta(before, change as Extract<typeof change, { base: string }>)).toEqual(after);
  });

  it('sends nothing for an unchanged board and the whole board when nothing was sent before', () => {
    const rows = [{ rank: 1, id: 'a', name: 'Ayu', value: '1.00', movement: null }];
    expect(leaderboardChange(rows, [...rows])).toBeNull();
    expect(leaderboardChange(null, rows)).toEqual({ rows });
  });

  it('fingerprints content, not key order', () => {
    const row = { rank: 1, id: 'a', name: 'Ayu', value: 3, movement: 0 };
    const reordered = { movement: 0, value: 3, name: 'Ayu', id: 'a', rank: 1 };
    expect(leaderboardFingerprint([row])).toBe(leaderboardFingerprint([reordered]));
    expect(leaderboardFingerprint([row])).not.toBe(leaderboardFingerprint([{ ...row, value: '3' }]));
  });

  it('applies a push only over older rows, and asks for a reload when a delta finds other rows', () => {
    const row = (id: string, value: string, rank: number): LeaderboardRow => ({ rank, id, name: id, value, movement: null });
    const a = [row('a', '2.00', 1), row('b', '1.00', 2), row('c', '0.50', 3), row('d', '0.25', 4)];
    const b = [row('b', '3.00', 1), row('a', '2.00', 2), row('c', '0.50', 3), row('d', '0.25', 4)];
    const delta = leaderboardChange(a, b)!;
    expect(isLeaderboardDelta(delta)).toBe(true);
    const held = { seq: 10, rows: a };
    expect(applyLeaderboardUpdate(held, delta, 11)).toEqual({ seq: 11, rows: b });
    // Loaded at the delta's seq or later: the change is in the rows already.
    expect(applyLeaderboardUpdate(held, delta, 10)).toBe(held);
    expect(applyLeaderboardUpdate({ seq: 10, rows: b }, delta, 11)).toBeNull();
    expect(applyLeaderboardUpdate(held, { rows: b }, 10)).toEqual({ seq: 10, rows: b });
    expect(applyLeaderboardUpdate(held, { rows: b }, 9)).toBe(held);
  });

  it('loads a board again as long as the answer is older than a push that came during the load', async () => {
    /** Answers seq 5, 7, 9, 11 in turn; a push of seq `push` arrives while the first load runs. */
    const loading = (push: number) => {
      const pushed = { seq: 0 };
      let calls = 0;
      const load = () => {
        if (calls === 0) pushed.seq = push;
        return Promise.resolve({ seq: [5, 7, 9, 11][calls++], rows: [] });
      };
      return { run: () => loadCurrentBoard(load, pushed), calls: () => calls };
    };
    const behind = loading(8);
    expect(await behind.run()).toEqual({ seq: 9, rows: [] });
    expect(behind.calls()).toBe(3);
    const none = loading(0);
    expect(await none.run()).toEqual({ seq: 5, rows: [] });
    expect(none.calls()).toBe(1);
  });
});
