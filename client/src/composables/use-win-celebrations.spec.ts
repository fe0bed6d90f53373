import { describe, expect, it } from 'vitest';
import { makeLeaderboardRow } from '@/test-support/live-fixtures';
import { standingAfterWin } from './use-win-celebrations';

const row = (id: string, rank: number, value: string | number | null) => makeLeaderboardRow({ id, rank, name: id, value, movement: 0 });

describe('standingAfterWin', () => {
  it('reads the rank and attainment after the win from the boards', () => {
    const result = standingAfterWin('budi', 50_000_000_00n, {
      revenue: [row('ayu', 1, '300000000.00'), row('budi', 2, '200000000.00')],
      won: [row('ayu', 1, 4), row('budi', 2, 3)],
      attainment: [row('budi', 1, 0.8), row('ayu', 2, 0.75)],
    });
    expect(result).toEqual({ standing: { rank: 2, attainment: 0.8 }, milestone: null });
  });

  it('calls the rep’s first won deal of the month a milestone', () => {
    const result = standingAfterWin('citra', 10_000_000_00n, {
      revenue: [row('citra', 1, '10000000.00')],
      won: [row('citra', 1, 1)],
      attainment: [row('citra', 1, 0.1)],
    });
    expect(result.milestone).toBe('firstOfMonth');
  });

  it('calls the deal that takes attainment from under 1 to 1 or more "quota reached", and not a later one', () => {
    // Quota 100 M: 90 M before, 110 M after this 20 M deal.
    const crossing = standingAfterWin('dewi', 20_000_000_00n, {
      revenue: [row('dewi', 1, '110000000.00')],
      won: [row('dewi', 1, 5)],
      attainment: [row('dewi', 1, 1.1)],
    });
    expect(crossing.milestone).toBe('quotaReached');
    // 105 M before, 110 M after: over quota already.
    const after = standingAfterWin('dewi', 5_000_000_00n, {
      revenue: [row('dewi', 1, '110000000.00')],
      won: [row('dewi', 1, 6)],
      attainment: [row('dewi', 1, 1.1)],
    });
    expect(after.milestone).toBeNull();
  });

  it('has no standing for a rep the board does not rank, and no attainment without a quota', () => {
    expect(standingAfterWin('eko', 1n, { revenue: [], won: [], attainment: null })).toEqual({ standing: null, milestone: null });
    expect(standingAfterWin('eko', 100n, { revenue: [row('eko', 3, '1.00')], won: [row('eko', 3, 2)], attainment: [row('eko', 3, null)] })).toEqual({
      standing: { rank: 3, attainment: null },
      milestone: null,
    });
  });
});
