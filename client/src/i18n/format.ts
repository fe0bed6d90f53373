import { fromMinor } from '@salesboard/shared';

/**
 * Number, money and time formats for one locale and currency. Money is passed to Intl as its
 * exact decimal text (`fromMinor`), never as a float, so large amounts print the digits stored.
 */
export interface Formatters {
  /** "Rp 1.234.567" (id) / "Rp 1,234,567" (en): the currency's usual digits. */
  money(minor: bigint | number): string;
  /** "Rp 1,2 M" (id) / "Rp 1.2B" (en): for a TV read across the room. */
  compactMoney(minor: bigint | number): string;
  count(value: number): string;
  /** "1.5" / "1,5": a measure such as days, one decimal at most. */
  decimal(value: number): string;
  /** 0.125 → "12.5%" / "12,5%". */
  percent(ratio: number): string;
  /** 0.125 → "+12.5%", -0.03 → "−3%": a change, its minus the true minus sign (U+2212). */
  signedPercent(ratio: number): string;
  /** "+Rp 200M", "−Rp 1.9B": a change of an amount, compact, with the same minus sign. */
  signedCompactMoney(minor: bigint | number): string;
  /** "14:05": a clock time in the given time zone (the viewer's when omitted). */
  time(iso: string): string;
  /** "28 Nov 2026" / "28 Nov 2026": a calendar day. ISO dates ("2026-11-28") are read as that day. */
  date(isoOrDate: string): string;
  /** "28 Nov, 14:05". */
  dateTime(iso: string): string;
  /**
   * Calendar days first to last, inclusive, short: "Nov 1 – 7" (en) / "1–7 Nov" (id), with the
   * year when asked ("Dec 1 – 7, 2025"): what a figure is compared with.
   */
  daySpan(from: string, to: string, withYear: boolean): string;
  /** "5 minutes ago" / "5 menit yang lalu". */
  relative(iso: string, now?: number): string;
}

type NumericText = `${number}`;

/** The minus sign every change is printed with: Intl gives a hyphen-minus, which reads as a dash beside "−2 days". */
export const MINUS = '\u2212';

/** A formatted number with its leading hyphen-minus (Intl's) made the true minus sign. */
function trueMinus(text: string): string {
  return text.replace(/^([^\d]*?)-/, `$1${MINUS}`);
}

/** Minor units, bigint for totals (exact at any size) or a number for one amount. */
function exactDecimal(minor: bigint | number): NumericText {
  // A number past 2^53 is a drawn value (a chart's running total), already approximate: rounded, not refused.
  const exact = typeof minor === 'number' && !Number.isSafeInteger(minor) && Number.isFinite(minor) ? BigInt(Math.round(minor)) : minor;
  return fromMinor(exact) as NumericText;
}

export function createFormatters(intlLocale: string, currency: string, timeZone?: string): Formatters {
  // narrowSymbol: en-US would otherwise print "IDR 1.2B" where people expect "Rp".
  const money = new Intl.NumberFormat(intlLocale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
  const compactMoney = new Intl.NumberFormat(intlLocale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const count = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 1 });
  const signedPercent = new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  const signedCompactMoney = new Intl.NumberFormat(intlLocale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const time = new Intl.DateTimeFormat(intlLocale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const date = new Intl.DateTimeFormat(intlLocale, { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  // A calendar day has no zone: formatted at UTC noon it is the same day everywhere.
  const civilDate = new Intl.DateTimeFormat(intlLocale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(intlLocale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const span = new Intl.DateTimeFormat(intlLocale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const spanWithYear = new Intl.DateTimeFormat(intlLocale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const relative = new Intl.RelativeTimeFormat(intlLocale, { numeric: 'auto' });
  const noon = (iso: string) => new Date(`${iso}T12:00:00Z`);
  return {
    money: (minor) => money.format(exactDecimal(minor)),
    compactMoney: (minor) => trueMinus(compactMoney.format(exactDecimal(minor))),
    count: (value) => count.format(value),
    decimal: (value) => decimal.format(value),
    percent: (ratio) => percent.format(ratio),
    signedPercent: (ratio) => trueMinus(signedPercent.format(ratio)),
    signedCompactMoney: (minor) => trueMinus(signedCompactMoney.format(exactDecimal(minor))),
    time: (iso) => time.format(new Date(iso)),
    date: (value) => (ISO_DATE.test(value) ? civilDate.format(new Date(`${value}T12:00:00Z`)) : date.format(new Date(value))),
    dateTime: (iso) => dateTime.format(new Date(iso)),
    daySpan: (from, to, withYear) => (withYear ? spanWithYear : span).formatRange(noon(from), noon(to)),
    relative: (iso, now = Date.now()) => relativeText(relative, Date.parse(iso) - now),
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

function relativeText(format: Intl.RelativeTimeFormat, deltaMs: number): string {
  for (const [unit, size] of UNITS) {
    if (Math.abs(deltaMs) >= size) return format.format(Math.round(deltaMs / size), unit);
  }
  return format.format(0, 'second');
}

/**
 * An amount typed by a person in their locale ("1.500.000,50" in id, "1,500,000.50" in en, with
 * or without "Rp") as the API's decimal string, or null when it is not one.
 */
export function parseMoneyInput(text: string, intlLocale: string): string | null {
  const parts = new Intl.NumberFormat(intlLocale).formatToParts(12345.6);
  const group = parts.find((part) => part.type === 'group')?.value ?? ',';
  const decimal = parts.find((part) => part.type === 'decimal')?.value ?? '.';
  const cleaned = text
    .replace(/[^\d.,-]/g, '')
    .split(group)
    .join('')
    .replace(decimal, '.');
  return /^\d{1,15}(\.\d{1,2})?$/.test(cleaned) ? cleaned : null;
}
