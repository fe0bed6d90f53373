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
  /**
   * What the period is compared with (growth, every trend): the same elapsed span of the equal
   * period just before. While a period is under way that is as many local days from the start of
   * the previous period as have begun in this one (today counted whole), clamped to the previous
   * period's length: 1–7 December against 1–7 November, 31 March against all of February, today
   * against all of yesterday (figures are kept per local day, so a span is whole days). A period
   * that is over, or not begun, is compared whole with the whole previous one (the previous month
   * for a month, as many days for custom).
   */
  previousStart: Date;
  previousEnd: Date;
  /** First and last local day of that compared span, inclusive. */
  previousFromDate: IsoDate;
  previousToDate: IsoDate;
  /**
   * The same span a year earlier, on request instead of the previous period: the same month,
   * quarter or (fiscal) year a year before, the same weekdays 52 weeks before for a week, and the
   * same dates a calendar year before for today and a custom range (29 February → 28 February);
   * so far as above, clamped to that period's length.
   */
  lastYearStart: Date;
  lastYearEnd: Date;
  lastYearFromDate: IsoDate;
  lastYearToDate: IsoDate;
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
  /** The same period a year earlier: its first day and the day after its last. */
  lastYearFirst: CivilDate;
  lastYearNext: CivilDate;
}

export function resolvePeriod(input: PeriodInput): PeriodRange {
  const { now, timeZone } = input;
  const fiscalStart = checkFiscalStart(input.fiscalYearStartMonth);
  const span = input.period === 'custom' ? customSpan(input.from, input.to) : calendarSpan(input.period, civilDateOf(now, timeZone), fiscalStart);
  const start = startOfLocalDay(span.first, timeZone);
  const end = startOfLocalDay(span.next, timeZone);
  const days = daysSoFar(span, civilDateOf(now, timeZone));
  const previous = comparedSpan(span.previousFirst, span.first, days);
  const lastYear = comparedSpan(span.lastYearFirst, span.lastYearNext, days);
  return {
    period: input.period,
    timeZone,
    start,
    end,
    previousStart: startOfLocalDay(previous.first, timeZone),
    previousEnd: startOfLocalDay(previous.next, timeZone),
    previousFromDate: formatIsoDate(previous.first),
    previousToDate: formatIsoDate(addDays(previous.next, -1)),
    lastYearStart: startOfLocalDay(lastYear.first, timeZone),
    lastYearEnd: startOfLocalDay(lastYear.next, timeZone),
    lastYearFromDate: formatIsoDate(lastYear.first),
    lastYearToDate: formatIsoDate(addDays(lastYear.next, -1)),
    fromDate: formatIsoDate(span.first),
    toDate: formatIsoDate(addDays(span.next, -1)),
    elapsedShare: elapsedShareAt({ start, end }, now),
    workingDaysElapsed: workingDaysElapsed(span, now, start, timeZone),
  };
}

/**
 * The days of the period that have begun by `today`, today included; all of them when the period
 * is over or has not begun (then whole periods are compared).
 */
function daysSoFar(span: Pick<DaySpan, 'first' | 'next'>, today: CivilDate): number {
  const first = toDayNumber(span.first);
  const next = toDayNumber(span.next);
  const day = toDayNumber(today);
  return day >= first && day < next ? day - first + 1 : next - first;
}

/** The first `days` days of the period [first, next), or all of it when it is shorter. */
export function comparedSpan(first: CivilDate, next: CivilDate, days: number): { first: CivilDate; next: CivilDate } {
  const length = toDayNumber(next) - toDayNumber(first);
  return { first, next: addDays(first, Math.min(days, length)) };
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
    case 'today': {
      const lastYear = sameDateAYearBefore(today);
      return { first: today, next: addDays(today, 1), previousFirst: addDays(today, -1), lastYearFirst: lastYear, lastYearNext: addDays(lastYear, 1) };
    }
    case 'week': {
      const monday = addDays(today, 1 - isoWeekday(today));
      // 52 weeks back keeps the weekdays: Monday to Wednesday against Monday to Wednesday.
      const lastYear = addDays(monday, -364);
      return { first: monday, next: addDays(monday, 7), previousFirst: addDays(monday, -7), lastYearFirst: lastYear, lastYearNext: addDays(lastYear, 7) };
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
  return {
    first,
    next: addMonthsToMonthStart(first, months),
    previousFirst: addMonthsToMonthStart(first, -months),
    lastYearFirst: addMonthsToMonthStart(first, -12),
    lastYearNext: addMonthsToMonthStart(first, months - 12),
  };
}

function customSpan(from: IsoDate | undefined, to: IsoDate | undefined): DaySpan {
  if (from === undefined || to === undefined) throw new RangeError('a custom period needs both from and to');
  const first = parseIsoDate(from);
  const last = parseIsoDate(to);
  const days = toDayNumber(last) - toDayNumber(first) + 1;
  if (days < 1) throw new RangeError(`from (${from}) must not be after to (${to})`);
  const lastYear = sameDateAYearBefore(first);
  return { first, next: addDays(last, 1), previousFirst: addDays(first, -days), lastYearFirst: lastYear, lastYearNext: addDays(lastYear, days) };
}

/** The same month and day a calendar year before; 29 February becomes 28 February. */
function sameDateAYearBefore(date: CivilDate): CivilDate {
  const day = Math.min(date.day, toDayNumber(addMonthsToMonthStart(date, -11)) - toDayNumber(addMonthsToMonthStart(date, -12)));
  return { year: date.year - 1, month: date.month, day };
}

function workingDaysElapsed(span: DaySpan, now: Date, start: Date, timeZone: string): number {
  if (now.getTime() < start.getTime()) return 0;
  const lastDay = Math.min(toDayNumber(civilDateOf(now, timeZone)), toDayNumber(span.next) - 1);
  // Counted, not walked: a custom period may span decades.
  const count = weekdaysUpTo(lastDay) - weekdaysUpTo(toDayNumber(span.first) - 1);
  // A period that so far holds only a weekend still divides by one day, not by zero.
  return Math.max(1, count);
}

/**
 * Monday–Friday local days still to come in a period, today included (it is not over yet); 0 once
 * the period is over. With workingDaysElapsed this is what a pace against quota divides by.
 */
export function workingDaysLeft(period: { from: IsoDate; to: IsoDate }, now: Date | number, timeZone: string): number {
  const today = toDayNumber(civilDateOf(new Date(now), timeZone));
  const first = Math.max(today, toDayNumber(parseIsoDate(period.from)));
  const last = toDayNumber(parseIsoDate(period.to));
  return last < first ? 0 : weekdaysUpTo(last) - weekdaysUpTo(first - 1);
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
