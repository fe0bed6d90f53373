/**
 * Exact money. On the wire a decimal string in major units ("1500000.00"); in arithmetic a bigint
 * count of minor units. A bigint sum cannot overflow or round, so a total is exact however many
 * deals an organisation adds up; a JS number is used only at the very end, for a ratio or a chart.
 */
import type { MoneyString } from './domain.js';

const MONEY_PATTERN = /^-?\d{1,15}(\.\d{1,2})?$/;

/**
 * The most a single amount (a deal, a quota, a list price) may be: 10 trillion major units.
 * Above the largest single contract in any currency we serve (10 trillion IDR is about 600
 * million USD), and chosen so that one amount still fits where a JS number must hold it: up to
 * it, a JSON number with cents has at most 15 significant digits, which a double keeps exactly,
 * and its minor units (10^15) stay below 2^53. Totals are bigint and need no bound.
 */
export const MAX_AMOUNT: MoneyString = '10000000000000.00';
export const MAX_AMOUNT_MINOR = 1_000_000_000_000_000n;

export function isMoneyString(value: string): boolean {
  return MONEY_PATTERN.test(value);
}

/** "1500000.5" → 150000050n, exact at any size. Throws on anything that is not a decimal with at most 2 places. */
export function toMinor(value: MoneyString | number): bigint {
  const text = typeof value === 'number' ? numberToMoneyText(value) : value.trim();
  // A SQL sum(amount) may exceed the 15 digits an amount has: totals are parsed without that limit.
  if (!/^-?\d+(\.\d{1,2})?$/.test(text)) throw new RangeError(`not an amount: ${String(value)}`);
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const minor = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -minor : minor;
}

/** 150000050n → "1500000.50"; exact for any bigint, and for numbers that are safe integers. */
export function fromMinor(minor: bigint | number): MoneyString {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw new RangeError(`not an integer amount of minor units: ${minor}`);
  }
  const value = BigInt(minor);
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Normalises any accepted amount to the canonical two-decimal string. */
export function normalizeMoney(value: MoneyString | number): MoneyString {
  return fromMinor(toMinor(value));
}

/** Σ of amounts in minor units. */
export function sumMinor(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

/** Larger first, for sorting by amount: the difference of two bigints is no comparator result. */
export function compareMinorDescending(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

/**
 * Minor units as a JS number, for what only needs an amount's size: a bar's length, a share of a
 * scale. Beyond 2^53 it is the nearest double; a printed figure always comes from the bigint.
 */
export function minorMagnitude(minor: bigint | MoneyString): number {
  return Number(typeof minor === 'bigint' ? minor : toMinor(minor));
}

/** An amount within 0 … MAX_AMOUNT: what every amount a user, an import or a CRM sends must be. */
export function isWithinAmountBound(minor: bigint): boolean {
  return minor >= 0n && minor <= MAX_AMOUNT_MINOR;
}

function numberToMoneyText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not an amount: ${value}`);
  // Numbers from JSON such as 1500000.1 print exactly as typed; toFixed would round silently.
  // Large ones print as 1e+21, which the pattern refuses rather than misreads.
  return String(value);
}
