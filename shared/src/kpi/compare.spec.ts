/**
 * The compared span: the same elapsed part of the previous period (and of the same period a year
 * earlier), so 1–7 December is set against 1–7 November and not against all of November.
 */
import fc from 'fast-check';
import { addMonthsToMonthStart, fromDayNumber, parseIsoDate, toDayNumber } from './civil-date.js';
import { quotaPace } from './pace.js';
import { type PeriodKind, resolvePeriod, workingDaysLeft } from './period.js';
import { localDateOf } from './zone.js';

const JAKARTA = 'Asia/Jakarta';
const day = (iso: string) => toDayNumber(parseIsoDate(iso));
/** Days of [from, to], both inclusive. */
const daysOf = (from: string, to: string) => day(to) - day(from) + 1;
const at = (iso: string) => new Date(iso);

const ZONES = ['Asia/Jakarta', 'Europe/Berlin', 'America/Santiago', 'Pacific/Auckland', 'UTC'];
const CALENDAR_KINDS: Exclude<PeriodKind, 'custom'>[] = ['today', 'week', 'month', 'quarter', 'year'];
// 2000–2099, at any minute.
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(ms - (ms % 60_000)));

describe('the compared span (resolvePeriod previous… and lastYear…)', () => {
  it('sets 1–7 December against 1–7 November, and against 1–7 December a year before', () => {
    const range = resolvePeriod({ period: 'month', now: at('2026-12-07T05:00:00Z'), timeZone: JAKARTA });
    expect([range.previousFromDate, range.previousToDate]).toEqual(['2026-11-01', '2026-11-07']);
    expect(range.previousStart.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(range.previousEnd.toISOString()).toBe('2026-11-07T17:00:00.000Z');
    expect([range.lastYearFromDate, range.lastYearToDate]).toEqual(['2025-12-01', '2025-12-07']);
  });

  it('clamps at a month end: 31 March against all of February, 31 May against all of April', () => {
    const march = resolvePeriod({ period: 'month', now: at('2027-03-31T05:00:00Z'), timeZone: JAKARTA });
    expect([march.previousFromDate, march.previousToDate]).toEqual(['2027-02-01', '2027-02-28']);
    const may = resolvePeriod({ period: 'month', now: at('2027-05-31T05:00:00Z'), timeZone: JAKARTA });
    expect([may.previousFromDate, may.previousToDate]).toEqual(['2027-04-01', '2027-04-30']);
    // A leap day's "a year before" is 28 February.
    const leapDay = resolvePeriod({ period: 'today', now: at('2028-02-29T05:00:00Z'), timeZone: JAKARTA });
    expect([leapDay.lastYearFromDate, leapDay.lastYearToDate]).toEqual(['2027-02-28', '2027-02-28']);
    const leapMonth = resolvePeriod({ period: 'month', now: at('2028-02-29T05:00:00Z'), timeZone: JAKARTA });
    expect([leapMonth.lastYearFromDate, leapMonth.lastYearToDate]).toEqual(['2027-02-01', '2027-02-28']);
  });

  it('sets a quarter’s day 20 against the previous quarter’s day 20, and today against all of yesterday', () => {
    // 20 November is day 51 of Q4 (Oct 31 + Nov 20); Q3's day 51 is 20 August.
    const quarter = resolvePeriod({ period: 'quarter', now: at('2026-11-20T05:00:00Z'), timeZone: JAKARTA });
    expect([quarter.previousFromDate, quarter.previousToDate]).toEqual(['2026-07-01', '2026-08-20']);
    const today = resolvePeriod({ period: 'today', now: at('2026-12-07T01:00:00Z'), timeZone: JAKARTA });
    expect([today.previousFromDate, today.previousToDate]).toEqual(['2026-12-06', '2026-12-06']);
    // Wednesday: Monday–Wednesday of the week before, and of 52 weeks before (same weekdays).
    const week = resolvePeriod({ period: 'week', now: at('2026-12-09T05:00:00Z'), timeZone: JAKARTA });
    expect([week.previousFromDate, week.previousToDate]).toEqual(['2026-11-30', '2026-12-02']);
    expect([week.lastYearFromDate, week.lastYearToDate]).toEqual(['2025-12-08', '2025-12-10']);
  });

  it('compares a custom range that is over whole, and one under way so far', () => {
    const over = resolvePeriod({ period: 'custom', now: at('2026-12-07T05:00:00Z'), timeZone: JAKARTA, from: '2026-11-01', to: '2026-11-10' });
    expect([over.previousFromDate, over.previousToDate]).toEqual(['2026-10-22', '2026-10-31']);
    expect([over.lastYearFromDate, over.lastYearToDate]).toEqual(['2025-11-01', '2025-11-10']);
    const underWay = resolvePeriod({ period: 'custom', now: at('2026-12-07T05:00:00Z'), timeZone: JAKARTA, from: '2026-12-01', to: '2026-12-31' });
    expect([underWay.previousFromDate, underWay.previousToDate]).toEqual(['2026-10-31', '2026-11-06']);
  });

  it('never leaves the previous period, and is as long as the days so far where that period has them', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...CALENDAR_KINDS), fc.constantFrom(...ZONES), fc.integer({ min: 1, max: 12 }), (now, period, timeZone, fiscal) => {
        const range = resolvePeriod({ period, now, timeZone, fiscalYearStartMonth: fiscal });
        const today = localDateOf(now, timeZone);
        const soFar = daysOf(range.fromDate, today);
        // The previous period: from its first day up to the day before this one starts.
        const previousFirst = localDateOf(resolvePeriod({ period, now: new Date(range.start.getTime() - 1), timeZone, fiscalYearStartMonth: fiscal }).start, timeZone);
        const previousLength = day(range.fromDate) - day(previousFirst);
        expect(range.previousFromDate).toBe(previousFirst);
        expect(day(range.previousToDate)).toBeLessThan(day(range.fromDate));
        expect(daysOf(range.previousFromDate, range.previousToDate)).toBe(Math.min(soFar, previousLength));
        // Same length wherever the previous period is long enough; clamped (so ends on its last day) where not.
        if (soFar > previousLength) expect(day(range.previousToDate)).toBe(day(range.fromDate) - 1);
        // Instants and days say the same span.
        expect(localDateOf(range.previousStart, timeZone)).toBe(range.previousFromDate);
        expect(localDateOf(new Date(range.previousEnd.getTime() - 1), timeZone)).toBe(range.previousToDate);
        expect(range.previousEnd.getTime()).toBeLessThanOrEqual(range.start.getTime());

        // A year earlier: within the period a year before, as long as the days so far where it has them.
        const yearBefore = day(range.lastYearFromDate);
        expect(yearBefore).toBeLessThan(day(range.fromDate) - 360);
        expect(yearBefore).toBeGreaterThan(day(range.fromDate) - 367);
        const lastYearLength = daysOf(range.lastYearFromDate, range.lastYearToDate);
        expect(lastYearLength).toBeLessThanOrEqual(soFar);
        expect(lastYearLength).toBeGreaterThanOrEqual(Math.min(soFar, daysOf(range.fromDate, range.toDate) - 1));
      }),
      { numRuns: 400 },
    );
  });

  it('compares a custom range with as many days just before it (so far while under way), and a year before', () => {
    const date = fc.integer({ min: day('2000-01-01'), max: day('2099-12-31') });
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 800 }), instant, (first, length, now) => {
        const from = fromDayNumber(first);
        const to = fromDayNumber(first + length - 1);
        const iso = (d: { year: number; month: number; day: number }) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
        const range = resolvePeriod({ period: 'custom', now, timeZone: JAKARTA, from: iso(from), to: iso(to) });
        const today = day(localDateOf(now, JAKARTA));
        const soFar = today >= first && today < first + length ? today - first + 1 : length;
        expect(day(range.previousFromDate)).toBe(first - length);
        expect(daysOf(range.previousFromDate, range.previousToDate)).toBe(soFar);
        expect(daysOf(range.lastYearFromDate, range.lastYearToDate)).toBe(soFar);
        const lastYearFirst = parseIsoDate(range.lastYearFromDate);
        expect(lastYearFirst.year).toBe(from.year - 1);
        expect(lastYearFirst.month).toBe(from.month);
        // Clamped only from 29 February to the last day of a February.
        expect(lastYearFirst.day).toBe(Math.min(from.day, monthLength(from.year - 1, from.month)));
      }),
      { numRuns: 300 },
    );
  });
});

function monthLength(year: number, month: number): number {
  const first = { year, month, day: 1 };
  return toDayNumber(addMonthsToMonthStart(first, 1)) - toDayNumber(first);
}

describe('workingDaysLeft and quotaPace', () => {
  it('counts Monday–Friday days from today to the period’s last day, today included', () => {
    // Monday 7 December 2026: 7–11, 14–18, 21–25, 28–31 December.
    expect(workingDaysLeft({ from: '2026-12-01', to: '2026-12-31' }, at('2026-12-07T05:00:00Z'), JAKARTA)).toBe(19);
    // Sunday 6 December: the same days, none today.
    expect(workingDaysLeft({ from: '2026-12-01', to: '2026-12-31' }, at('2026-12-06T05:00:00Z'), JAKARTA)).toBe(19);
    expect(workingDaysLeft({ from: '2026-11-01', to: '2026-11-30' }, at('2026-12-07T05:00:00Z'), JAKARTA)).toBe(0);
    // Not begun: all of its working days.
    expect(workingDaysLeft({ from: '2027-01-04', to: '2027-01-08' }, at('2026-12-07T05:00:00Z'), JAKARTA)).toBe(5);
  });

  it('is what is left to the quota over the working days left, rounded up, or reached, or nothing outside a running period', () => {
    expect(quotaPace('100.00', '290.00', 0.5, 19)).toEqual({ kind: 'needed', perWorkingDayMinor: 1000n, workingDaysLeft: 19 });
    expect(quotaPace('100.00', '290.01', 0.5, 19)).toEqual({ kind: 'needed', perWorkingDayMinor: 1001n, workingDaysLeft: 19 });
    expect(quotaPace('300.00', '290.00', 0.5, 19)).toEqual({ kind: 'reached' });
    expect(quotaPace('290.00', '290.00', 0.5, 19)).toEqual({ kind: 'reached' });
    expect(quotaPace('100.00', '290.00', 0.99, 0)).toEqual({ kind: 'needed', perWorkingDayMinor: 19000n, workingDaysLeft: 1 });
    expect(quotaPace('100.00', null, 0.5, 19)).toBeNull();
    expect(quotaPace('100.00', '290.00', 1, 0)).toBeNull();
    expect(quotaPace('100.00', '290.00', 0, 22)).toBeNull();
  });

  it('never asks too little: the days left at the pace cover what is left, and one minor unit a day less would not', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 260 }), (revenue, quota, left) => {
        const money = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
        const pace = quotaPace(money(revenue), money(quota), 0.5, left);
        if (revenue >= quota) return expect(pace).toEqual({ kind: 'reached' });
        if (pace?.kind !== 'needed') throw new Error('expected a pace');
        const remaining = quota - revenue;
        const days = BigInt(pace.workingDaysLeft);
        expect(pace.perWorkingDayMinor * days).toBeGreaterThanOrEqual(remaining);
        expect((pace.perWorkingDayMinor - 1n) * days).toBeLessThan(remaining);
      }),
    );
  });
});
