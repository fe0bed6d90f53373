/**
 * Periods as half-open ranges of instants [start, end) that begin and end at local midnight in
 * the organisation's time zone. The arithmetic runs on local calendar days and only the edges
 * become instants, so a 23- or 25-hour DST day is still one day.
 */
import type { IsoDate } from '../domain.js';
import { addDays, addMonthsToMonthStart, type CivilDate, formatIsoDate, isoWeekday, mod, pad2, parseIsoDate, toDayNumber } from './civil-date.js';
import { civilDateOf, startOfLocalDay } from './zone.js';

export const PERIOD_KINDS = ['today', 'week', 'month', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface PeriodInput {
  period: PeriodKind;
  now: Date;
  /** IANA zone of the organisation, e.g. "Asia/Jakarta". */
  timeZone: string;
  /** Month (1–12) in which the fiscal year, and so its first quarter, starts. Default 1. */
  fiscalYearStartMonth?: number;
  /** First and last day of a custom period, both inclusive. */
  from?: IsoDate;
  to?: IsoDate;
}

export interface PeriodRange {
  period: PeriodKind;
  timeZone: string;
  start: Date;
  end: Date;
  /** The equal period just before: the previous month for a month, as many days for custom. */
  previousStart: Date;
  previousEnd: Date;
  /** First and last local day of the period, inclusive (what expected close dates compare to). */
  fromDate: IsoDate;
  toDate: IsoDate;
  /** Share of [start, end) elapsed at `now`, 0–1. */
  elapsedShare: number;
  /** Monday–Friday local days from the first day to today (or the last day), today included; at least 1 once started. */
  workingDaysElapsed: number;
}

interface DaySpan {
  first: CivilDate;
  /** The day after the last one. */
  next: CivilDate;
  previousFirst: CivilDate;
}

export function resolvePeriod(input: PeriodInput): PeriodRange {
  const { now, timeZone } = input;
  const fiscalStart = checkFiscalStart(input.fiscalYearStartMonth);
  const span = input.period === 'custom' ? customSpan(input.from, input.to) : calendarSpan(input.period, civilDateOf(now, timeZone), fiscalStart);
  const start = startOfLocalDay(span.first, timeZone);
  const end = startOfLocalDay(span.next, timeZone);
  return {
    period: input.period,
    timeZone,
    start,
    end,
    previousStart: startOfLocalDay(span.previousFirst, timeZone),
    previousEnd: start,
    fromDate: formatIsoDate(span.first),
    toDate: formatIsoDate(addDays(span.next, -1)),
    elapsedShare: elapsedShareAt({ start, end }, now),
    workingDaysElapsed: workingDaysElapsed(span, now, start, timeZone),
  };
}

/**
 * How much of a period has gone by at `now`, 0 to 1. A screen works it out from the period's
 * bounds and its own clock: it moves with time, not with events, so the server does not push it.
 */
export function elapsedShareAt(period: { start: Date | string; end: Date | string }, now: Date | number): number {
  const start = new Date(period.start).getTime();
  const end = new Date(period.end).getTime();
  return clamp01((new Date(now).getTime() - start) / (end - start));
}

export type PeriodGranularity = 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * The key of the period an instant falls in, for bucketing: "2026-11-30", "2026-W49" (ISO week),
 * "2026-11", "2026-Q4", "2026". Fiscal quarters and years are named by the calendar year in which
 * the fiscal year starts: with an April start, 2027-02-10 is in "2026-Q4" of year "2026".
 */
export function periodKeyOf(instant: Date, granularity: PeriodGranularity, timeZone: string, fiscalYearStartMonth = 1): string {
  const date = civilDateOf(instant, timeZone);
  const fiscalStart = checkFiscalStart(fiscalYearStartMonth);
  switch (granularity) {
    case 'day':
      return formatIsoDate(date);
    case 'week':
      return isoWeekKey(date);
    case 'month':
      return `${date.year}-${pad2(date.month)}`;
    case 'quarter': {
      const quarterIndex = Math.floor(monthsIntoFiscalYear(date, fiscalStart) / 3) + 1;
      return `${fiscalYearStart(date, fiscalStart).year}-Q${quarterIndex}`;
    }
    case 'year':
      return String(fiscalYearStart(date, fiscalStart).year);
  }
}

function calendarSpan(period: Exclude<PeriodKind, 'custom'>, today: CivilDate, fiscalStart: number): DaySpan {
  switch (period) {
    case 'today':
      return { first: today, next: addDays(today, 1), previousFirst: addDays(today, -1) };
    case 'week': {
      const monday = addDays(today, 1 - isoWeekday(today));
      return { first: monday, next: addDays(monday, 7), previousFirst: addDays(monday, -7) };
    }
    case 'month':
      return monthsSpan(addMonthsToMonthStart(today, 0), 1);
    case 'quarter': {
      const back = monthsIntoFiscalYear(today, fiscalStart) % 3;
      return monthsSpan(addMonthsToMonthStart(today, -back), 3);
    }
    case 'year':
      return monthsSpan(fiscalYearStart(today, fiscalStart), 12);
  }
}

function monthsSpan(first: CivilDate, months: number): DaySpan {
  return { first, next: addMonthsToMonthStart(first, months), previousFirst: addMonthsToMonthStart(first, -months) };
}

function customSpan(from: IsoDate | undefined, to: IsoDate | undefined): DaySpan {
  if (from === undefined || to === undefined) throw new RangeError('a custom period needs both from and to');
  const first = parseIsoDate(from);
  const last = parseIsoDate(to);
  const days = toDayNumber(last) - toDayNumber(first) + 1;
  if (days < 1) throw new RangeError(`from (${from}) must not be after to (${to})`);
  return { first, next: addDays(last, 1), previousFirst: addDays(first, -days) };
}

function workingDaysElapsed(span: DaySpan, now: Date, start: Date, timeZone: string): number {
  if (now.getTime() < start.getTime()) return 0;
  const lastDay = Math.min(toDayNumber(civilDateOf(now, timeZone)), toDayNumber(span.next) - 1);
  // Counted, not walked: a custom period may span decades.
  const count = weekdaysUpTo(lastDay) - weekdaysUpTo(toDayNumber(span.first) - 1);
  // A period that so far holds only a weekend still divides by one day, not by zero.
  return Math.max(1, count);
}

/** Monday–Friday days from a fixed Monday up to `dayNumber` inclusive (negative before it). */
function weekdaysUpTo(dayNumber: number): number {
  const sinceMonday = dayNumber - MONDAY_DAY_NUMBER + 1;
  const weeks = Math.floor(sinceMonday / 7);
  return weeks * 5 + Math.min(mod(sinceMonday, 7), 5);
}

/** 1970-01-05, a Monday. */
const MONDAY_DAY_NUMBER = 4;

function monthsIntoFiscalYear(date: CivilDate, fiscalStart: number): number {
  return mod(date.month - fiscalStart, 12);
}

function fiscalYearStart(date: CivilDate, fiscalStart: number): CivilDate {
  return addMonthsToMonthStart(date, -monthsIntoFiscalYear(date, fiscalStart));
}

function isoWeekKey(date: CivilDate): string {
  // An ISO week belongs to the year of its Thursday.
  const thursday = addDays(date, 4 - isoWeekday(date));
  const week = Math.floor((toDayNumber(thursday) - toDayNumber({ year: thursday.year, month: 1, day: 1 })) / 7) + 1;
  return `${thursday.year}-W${pad2(week)}`;
}

function checkFiscalStart(month: number | undefined): number {
  const value = month ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > 12) {
    throw new RangeError(`fiscalYearStartMonth must be a month 1–12, got ${String(month)}`);
  }
  return value;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
