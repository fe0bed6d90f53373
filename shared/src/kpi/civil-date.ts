/**
 * Calendar dates without a time zone ("2026-11-30"), and arithmetic on them through day
 * numbers (days since 1970-01-01). Periods are made of local days, so their arithmetic never
 * touches instants; zone.ts turns a local day into the instant it starts.
 */
import type { IsoDate } from '../domain.js';

export const MS_PER_DAY = 86_400_000;

/** A local calendar day; month is 1–12. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-11-30" → { 2026, 11, 30 }; throws on a malformed or impossible date such as 2026-02-30. */
export function parseIsoDate(text: string): CivilDate {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`not a date like 2026-11-30: ${text}`);
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (formatIsoDate(fromDayNumber(toDayNumber(date))) !== text) throw new RangeError(`no such date: ${text}`);
  return date;
}

/**
 * Bounds each memo of dates (here, and the quota ends and day starts beside it): far more distinct
 * dates than an organisation's quotas and periods name, so it never clears in practice, yet a
 * stream of odd dates cannot grow it forever.
 */
export const REMEMBERED_DATES = 10_000;
const dayNumbers = new Map<string, number>();

/**
 * parseIsoDate then toDayNumber, remembered per text. The live KPIs turn the same few hundred
 * quota and period dates into day numbers for every scope and period several times a second;
 * parsing and checking each through Date objects was a tenth of the server's time under load.
 */
export function isoDayNumber(text: string): number {
  let dayNumber = dayNumbers.get(text);
  if (dayNumber === undefined) {
    dayNumber = toDayNumber(parseIsoDate(text)); // throws on a bad date, which is then not remembered
    if (dayNumbers.size >= REMEMBERED_DATES) dayNumbers.clear();
    dayNumbers.set(text, dayNumber);
  }
  return dayNumber;
}

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

export function toDayNumber({ year, month, day }: CivilDate): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  return new Date(0).setUTCFullYear(year, month - 1, day) / MS_PER_DAY;
}

export function fromDayNumber(dayNumber: number): CivilDate {
  const date = new Date(dayNumber * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** The first day of the month `months` months after (or before) the month of `date`. */
export function addMonthsToMonthStart(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: CivilDate): number {
  // Day 0, 1970-01-01, was a Thursday (ISO weekday 4).
  return mod(toDayNumber(date) + 3, 7) + 1;
}

export function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

export function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
