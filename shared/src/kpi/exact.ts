/**
 * Exact integer arithmetic for money. Products of an amount and a percentage (weighted pipeline,
 * margin) are bigint: in a currency such as IDR they pass 2^53 long before plain sums do.
 */
import type { MoneyString } from '../domain.js';
import { isMoneyString, toMinor } from '../money.js';

/** numerator ÷ denominator rounded half away from zero (half up for the non-negative amounts of sales). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const abs = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * abs + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/** Minor units → "1500000.00"; exact for any bigint, and for numbers that are safe integers. */
export function formatMinor(minor: bigint | number): MoneyString {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw new RangeError(`not an integer amount of minor units: ${minor}`);
  }
  const value = BigInt(minor);
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
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
  return formatMinor(BigInt(roundToMinor(value)));
}

/** A margin percent (35.5, "35.50") → basis points (3550); exact for two decimals, rounded beyond. */
export function marginBpOf(marginPct: string | number): number {
  const text = String(marginPct).trim();
  if (isMoneyString(text)) return toMinor(text);
  const bp = Math.round(Number(text) * 100);
  if (!Number.isFinite(bp)) throw new RangeError(`not a margin percent: ${text}`);
  return bp;
}
