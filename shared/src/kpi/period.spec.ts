import { localDateOf } from './zone.js';
import { periodKeyOf, resolvePeriod } from './period.js';

const JAKARTA = 'Asia/Jakarta';
const at = (iso: string) => new Date(iso);

describe('resolvePeriod', () => {
  it('spans a month from local midnight to local midnight in Asia/Jakarta, compared with the same days of the previous month', () => {
    const range = resolvePeriod({ period: 'month', now: at('2026-11-15T05:00:00Z'), timeZone: JAKARTA });
    expect(range.start.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(range.previousStart.toISOString()).toBe('2026-09-30T17:00:00.000Z');
    // 1–15 November against 1–15 October.
    expect(range.previousEnd.toISOString()).toBe('2026-10-15T17:00:00.000Z');
    expect([range.fromDate, range.toDate]).toEqual(['2026-11-01', '2026-11-30']);
  });

  it('puts 23:59 Jakarta time on 30 November in November and 00:00 on 1 December in December', () => {
    const lastMinute = at('2026-11-30T16:59:00Z');
    const nextMidnight = at('2026-11-30T17:00:00Z');
    const november = resolvePeriod({ period: 'month', now: lastMinute, timeZone: JAKARTA });
    const december = resolvePeriod({ period: 'month', now: nextMidnight, timeZone: JAKARTA });
    expect(november.fromDate).toBe('2026-11-01');
    expect(december.fromDate).toBe('2026-12-01');
    expect(lastMinute < november.end && nextMidnight >= november.end).toBe(true);
    expect(periodKeyOf(lastMinute, 'month', JAKARTA)).toBe('2026-11');
    expect(periodKeyOf(nextMidnight, 'month', JAKARTA)).toBe('2026-12');
    expect(localDateOf(lastMinute, JAKARTA)).toBe('2026-11-30');
    expect(localDateOf(nextMidnight, JAKARTA)).toBe('2026-12-01');
  });

  it('starts the week on Monday, also when today is Sunday', () => {
    const sunday = resolvePeriod({ period: 'week', now: at('2026-11-29T10:00:00Z'), timeZone: JAKARTA });
    expect([sunday.fromDate, sunday.toDate]).toEqual(['2026-11-23', '2026-11-29']);
    expect(sunday.previousStart.toISOString()).toBe('2026-11-15T17:00:00.000Z');
    const monday = resolvePeriod({ period: 'week', now: at('2026-11-30T10:00:00Z'), timeZone: JAKARTA });
    expect(monday.fromDate).toBe('2026-11-30');
    expect(periodKeyOf(at('2026-11-29T10:00:00Z'), 'week', JAKARTA)).toBe('2026-W48');
  });

  it('is today from local midnight to the next, with yesterday before it', () => {
    const range = resolvePeriod({ period: 'today', now: at('2026-11-30T16:59:00Z'), timeZone: JAKARTA });
    expect(range.start.toISOString()).toBe('2026-11-29T17:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(range.previousStart.toISOString()).toBe('2026-11-28T17:00:00.000Z');
  });

  it('uses calendar quarters and years when the fiscal year starts in January', () => {
    const quarter = resolvePeriod({ period: 'quarter', now: at('2026-11-15T05:00:00Z'), timeZone: JAKARTA });
    expect([quarter.fromDate, quarter.toDate]).toEqual(['2026-10-01', '2026-12-31']);
    const year = resolvePeriod({ period: 'year', now: at('2026-11-15T05:00:00Z'), timeZone: JAKARTA });
    expect([year.fromDate, year.toDate]).toEqual(['2026-01-01', '2026-12-31']);
    expect(periodKeyOf(at('2026-11-15T05:00:00Z'), 'quarter', JAKARTA)).toBe('2026-Q4');
  });

  it('follows a fiscal year that starts in April for quarters, years and their keys', () => {
    const options = { now: at('2027-02-10T05:00:00Z'), timeZone: JAKARTA, fiscalYearStartMonth: 4 };
    const quarter = resolvePeriod({ ...options, period: 'quarter' });
    expect([quarter.fromDate, quarter.toDate]).toEqual(['2027-01-01', '2027-03-31']);
    expect(quarter.previousStart.toISOString()).toBe('2026-09-30T17:00:00.000Z');
    const year = resolvePeriod({ ...options, period: 'year' });
    expect([year.fromDate, year.toDate]).toEqual(['2026-04-01', '2027-03-31']);
    expect(year.previousStart.toISOString()).toBe('2025-03-31T17:00:00.000Z');
    expect(periodKeyOf(options.now, 'quarter', JAKARTA, 4)).toBe('2026-Q4');
    expect(periodKeyOf(options.now, 'year', JAKARTA, 4)).toBe('2026');
    expect(periodKeyOf(at('2026-05-10T05:00:00Z'), 'quarter', JAKARTA, 4)).toBe('2026-Q1');
  });

  it('starts days at local midnight across a DST change in Europe/Berlin', () => {
    const march = resolvePeriod({ period: 'month', now: at('2026-03-29T10:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(march.start.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(march.previousStart.toISOString()).toBe('2026-01-31T23:00:00.000Z');

    // 29 March 2026 has 23 hours; local noon is 11 of them in.
    const springDay = resolvePeriod({ period: 'today', now: at('2026-03-29T10:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(springDay.end.getTime() - springDay.start.getTime()).toBe(23 * 3_600_000);
    expect(springDay.elapsedShare).toBeCloseTo(11 / 23, 12);

    const autumnDay = resolvePeriod({ period: 'today', now: at('2026-10-25T12:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(autumnDay.end.getTime() - autumnDay.start.getTime()).toBe(25 * 3_600_000);
  });

  it('starts a day whose midnight DST skips at the moment the clocks jump (America/Santiago)', () => {
    const range = resolvePeriod({ period: 'today', now: at('2026-09-06T15:00:00Z'), timeZone: 'America/Santiago' });
    expect(range.start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(range.previousStart.toISOString()).toBe('2026-09-05T04:00:00.000Z');
  });

  it('starts a day whose midnight happens twice at the first of the two (America/Havana)', () => {
    const range = resolvePeriod({ period: 'today', now: at('2026-11-01T15:00:00Z'), timeZone: 'America/Havana' });
    expect(range.start.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('takes a custom from/to as inclusive days, with the previous range of equal length before it', () => {
    const range = resolvePeriod({
      period: 'custom',
      now: at('2026-11-15T05:00:00Z'),
      timeZone: JAKARTA,
      from: '2026-11-01',
      to: '2026-11-10',
    });
    expect(range.start.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-11-10T17:00:00.000Z');
    expect(range.previousStart.toISOString()).toBe('2026-10-21T17:00:00.000Z');
    expect(range.previousEnd).toEqual(range.start);
    expect(range.elapsedShare).toBe(1);
    expect(range.workingDaysElapsed).toBe(7);
  });

  it('rejects a custom period that is missing a bound, runs backwards or names an impossible date', () => {
    const base = { period: 'custom' as const, now: at('2026-11-15T05:00:00Z'), timeZone: JAKARTA };
    expect(() => resolvePeriod({ ...base, from: '2026-11-01' })).toThrow(RangeError);
    expect(() => resolvePeriod({ ...base, from: '2026-11-10', to: '2026-11-01' })).toThrow(/must not be after/);
    expect(() => resolvePeriod({ ...base, from: '2026-02-30', to: '2026-03-01' })).toThrow(/no such date/);
  });

  it('rejects a fiscal start month outside 1–12 and an unknown time zone', () => {
    const now = at('2026-11-15T05:00:00Z');
    expect(() => resolvePeriod({ period: 'year', now, timeZone: JAKARTA, fiscalYearStartMonth: 13 })).toThrow(/fiscalYearStartMonth/);
    expect(() => resolvePeriod({ period: 'year', now, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('measures the elapsed share and the Monday–Friday days elapsed, today included', () => {
    // Sunday 15 November 2026, noon in Jakarta: 14.5 of 30 days gone, 10 working days.
    const range = resolvePeriod({ period: 'month', now: at('2026-11-15T05:00:00Z'), timeZone: JAKARTA });
    expect(range.elapsedShare).toBeCloseTo(14.5 / 30, 12);
    expect(range.workingDaysElapsed).toBe(10);
  });

  it('counts at least one working day once a period has started, and none before', () => {
    const sunday = resolvePeriod({ period: 'today', now: at('2026-11-29T05:00:00Z'), timeZone: JAKARTA });
    expect(sunday.workingDaysElapsed).toBe(1);
    const future = resolvePeriod({
      period: 'custom',
      now: at('2026-11-15T05:00:00Z'),
      timeZone: JAKARTA,
      from: '2026-12-01',
      to: '2026-12-31',
    });
    expect(future.workingDaysElapsed).toBe(0);
    expect(future.elapsedShare).toBe(0);
  });
});

describe('periodKeyOf', () => {
  it('names days, ISO weeks across a year end, months, quarters and years', () => {
    const instant = at('2027-01-01T05:00:00Z');
    expect(periodKeyOf(instant, 'day', JAKARTA)).toBe('2027-01-01');
    // Friday 1 January 2027 belongs to the last ISO week of 2026.
    expect(periodKeyOf(instant, 'week', JAKARTA)).toBe('2026-W53');
    expect(periodKeyOf(instant, 'month', JAKARTA)).toBe('2027-01');
    expect(periodKeyOf(instant, 'quarter', JAKARTA)).toBe('2027-Q1');
    expect(periodKeyOf(instant, 'year', JAKARTA)).toBe('2027');
  });
});
