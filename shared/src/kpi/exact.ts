/**
 * Exact integer arithmetic for money, on bigint minor units (see money.ts): sums, and products
 * of an amount and a percentage (weighted pipeline, margin), are exact at any size.
 */
import type { MoneyString } from '../domain.js';
import { fromMinor, isMoneyString, toMinor } from '../money.js';

/** numerator ÷ denominator rounded half away from zero (half up for the non-negative amounts of sales). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const abs = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * abs + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/**
 * A ratio of two amounts (attainment, growth, coverage) as a number, or null for a zero or
 * missing denominator. The bigints become numbers only here, at the last step: a ratio needs no
 * more than a double's precision, a total does.
 */
export function ratioOfMinor(numerator: bigint, denominator: bigint | null): number | null {
  if (denominator === null || denominator === 0n) return null;
  return Number(numerator) / Number(denominator);
}

/** Rounds an estimate (run rate, velocity) that is a float by nature to whole minor units. */
export function roundToMinor(value: number): number {
  return Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
}

/**
 * An estimate as money. Velocity in IDR passes 2^53 minor units easily (a big deal won on the day
 * it was opened divides by a fraction of a day): beyond it the float's own integer is formatted.
 */
export function formatEstimate(value: number): MoneyString {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite estimate: ${value}`);
  return fromMinor(BigInt(roundToMinor(value)));
}

/** A margin percent (35.5, "35.50") → basis points (3550); exact for two decimals, rounded beyond. */
export function marginBpOf(marginPct: string | number): number {
  const text = String(marginPct).trim();
  if (isMoneyString(text)) return Number(toMinor(text));
  const bp = Math.round(Number(text) * 100);
  if (!Number.isFinite(bp)) throw new RangeError(`not a margin percent: ${text}`);
  return bp;
}
