import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barScale, barShares } from './bar-scale';

/** Figures as the pipeline has them: minor units, from nothing to a trillion rupiah and more. */
const figure = fc.double({ min: 1, max: 1e18, noNaN: true });
const figures = fc.array(fc.oneof(figure, fc.constant(0)), { minLength: 1, maxLength: 12 });

describe('barScale', () => {
  it('is a round figure: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten', () => {
    expect([1, 7, 10, 11, 119, 120, 121, 999, 1000, 2_600_000].map(barScale)).toEqual([1, 8, 10, 12, 120, 120, 150, 1000, 1000, 3_000_000]);
  });

  it('holds the longest bar, which fills more than three quarters of its track', () => {
    fc.assert(
      fc.property(figure, (longest) => {
        const scale = barScale(longest);
        expect(scale).toBeGreaterThanOrEqual(longest);
        expect(longest / scale).toBeGreaterThan(0.75);
      }),
    );
  });

  it('never shrinks as the longest bar grows, so it holds still while the longest moves within a step', () => {
    fc.assert(
      fc.property(figure, figure, (a, b) => {
        expect(barScale(Math.min(a, b))).toBeLessThanOrEqual(barScale(Math.max(a, b)));
      }),
    );
  });

  it('is 0 for an empty pipeline', () => {
    expect([0, -5, Number.NaN].map(barScale)).toEqual([0, 0, 0]);
    expect(barShares([0, 0])).toEqual([0, 0]);
  });
});

describe('barShares', () => {
  it('gives every bar a length within its track, in the order of the figures', () => {
    fc.assert(
      fc.property(figures, (values) => {
        const shares = barShares(values);
        for (const [i, share] of shares.entries()) {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(1);
          for (const [j, other] of values.entries()) if (values[i] < other) expect(share).toBeLessThanOrEqual(shares[j]);
        }
      }),
    );
  });

  it('moves only the bar whose figure changed, unless the longest crossed a step', () => {
    fc.assert(
      fc.property(figures, fc.nat(), fc.oneof(figure, fc.constant(0)), (values, at, next) => {
        const index = at % values.length;
        const changed = values.with(index, next);
        fc.pre(barScale(Math.max(...values)) === barScale(Math.max(...changed)));
        const before = barShares(values);
        const after = barShares(changed);
        expect(after.filter((_, i) => i !== index)).toEqual(before.filter((_, i) => i !== index));
      }),
    );
  });
});
