import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepOrder, keepUnchangedRows, type RaceRow } from './race-rows';

const row = (id: string, valueText: string, rank: number): RaceRow => ({
  id,
  name: `Rep ${id}`,
  rank,
  rankText: String(rank),
  rankLabel: `Rank ${rank}`,
  direction: null,
  arrow: '',
  movementText: '',
  valueText,
  gapText: '',
  share: 0.5,
});

describe('race rows', () => {
  it('keeps the object of every row that reads as before, and takes the new one where anything changed', () => {
    const before = keepUnchangedRows(undefined, [row('a', 'Rp 1B', 1), row('b', 'Rp 900M', 2)]);
    const after = keepUnchangedRows(before, [row('a', 'Rp 1.2B', 1), row('b', 'Rp 900M', 2)]);
    expect(after.get('a')).not.toBe(before.get('a'));
    expect(after.get('a')?.valueText).toBe('Rp 1.2B');
    expect(after.get('b')).toBe(before.get('b'));
  });

  it('holds the same rows, field for field, as the new list, whatever came before', () => {
    const rows = fc.array(
      fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.constantFrom('Rp 1B', 'Rp 2B'), rank: fc.integer({ min: 1, max: 4 }) }),
      {
        maxLength: 4,
      },
    );
    fc.assert(
      fc.property(rows, rows, (first, second) => {
        const unique = (list: typeof first) => [...new Map(list.map((item) => [item.id, row(item.id, item.value, item.rank)])).values()];
        const next = unique(second);
        const kept = keepUnchangedRows(keepUnchangedRows(undefined, unique(first)), next);
        expect([...kept.values()]).toEqual(next);
      }),
    );
  });

  it('keeps the previous order while the ids and their order hold, and only then', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c')), fc.array(fc.constantFrom('a', 'b', 'c')), (previous, next) => {
        const kept = keepOrder(previous, next);
        expect(kept).toEqual(next);
        expect(kept === previous).toBe(previous.join() === next.join() && previous.length === next.length);
      }),
    );
  });
});
