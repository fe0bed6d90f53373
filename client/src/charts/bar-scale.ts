/**
 * The figure a full-length bar stands for: the longest bar's figure rounded up to the next step
 * of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten. Against a scale that moves only
 * when the longest bar crosses a step, a deal that changes stage changes the lengths of the bars it
 * left and joined and no other: the board glides where the news is. Against the longest bar itself,
 * every bar changed length whenever the longest did, and on a busy floor every bar glided at once.
 * The steps are at most a third apart, so the longest bar fills more than three quarters of its track.
 */
const STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

export function barScale(longest: number): number {
  if (!(longest > 0) || !Number.isFinite(longest)) return 0;
  const power = 10 ** Math.floor(Math.log10(longest));
  for (const step of STEPS) {
    const scale = step * power;
    // A step equal to the figure, within floating point's error of the division above, is the scale.
    if (scale >= longest * (1 - 1e-12)) return Math.max(scale, longest);
  }
  return 10 * power;
}

/** Each bar's length as a share of the scale, 0 … 1. */
export function barShares(values: readonly number[]): number[] {
  const scale = barScale(Math.max(0, ...values));
  return values.map((value) => (scale > 0 ? Math.max(0, value) / scale : 0));
}
