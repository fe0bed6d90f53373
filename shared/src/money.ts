/**
 * Exact money. On the wire a decimal string in major units ("1500000.00"); in arithmetic an
 * integer count of minor units held in a JS number. Sums of integers stay exact up to 2^53
 * minor units (90 trillion in major units), far above any sales organisation's revenue.
 */
import type { MoneyString } from './domain.js';

const MONEY_PATTERN = /^-?\d{1,15}(\.\d{1,2})?$/;

export function isMoneyString(value: string): boolean {
  return MONEY_PATTERN.test(value);
}

/** "1500000.5" → 150000050. Throws on anything that is not a decimal with at most 2 places. */
export function toMinor(value: MoneyString | number): number {
  const text = typeof value === 'number' ? numberToMoneyText(value) : value.trim();
  if (!MONEY_PATTERN.test(text)) throw new RangeError(`not an amount: ${String(value)}`);
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return negative ? -minor : minor;
}

/** 150000050 → "1500000.50". */
export function fromMinor(minor: number): MoneyString {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount of minor units: ${minor}`);
  const negative = minor < 0;
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${negative ? '-' : ''}${whole}.${cents.toString().padStart(2, '0')}`;
}

/** Normalises any accepted amount to the canonical two-decimal string. */
export function normalizeMoney(value: MoneyString | number): MoneyString {
  return fromMinor(toMinor(value));
}

function numberToMoneyText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not an amount: ${value}`);
  // Numbers from JSON such as 1500000.1 print exactly as typed; toFixed would round silently.
  return String(value);
}
