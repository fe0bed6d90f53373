import fc from 'fast-check';
import { formatIsoDate, fromDayNumber, isoDayNumber, parseIsoDate, toDayNumber } from './civil-date.js';
import { startOfLocalDay } from './zone.js';

const days = fc.integer({ min: -200_000, max: 200_000 }); // about 1422 to 2517

describe('isoDayNumber (parseIsoDate then toDayNumber, remembered)', () => {
  it('gives what parsing gives, the first time and every time after', () => {
    fc.assert(
      fc.property(days, (day) => {
        const text = formatIsoDate(fromDayNumber(day));
        const parsed = toDayNumber(parseIsoDate(text));
        expect(parsed).toBe(day);
        expect(isoDayNumber(text)).toBe(parsed);
        expect(isoDayNumber(text)).toBe(parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps refusing an impossible date: a refusal is never remembered as an answer', () => {
    for (const text of ['2026-02-30', '2026-13-01', '26-01-01', '']) {
      expect(() => isoDayNumber(text)).toThrow(RangeError);
      expect(() => isoDayNumber(text)).toThrow(RangeError);
    }
  });
});

describe('startOfLocalDay, remembered per zone and day', () => {
  it('answers the same instant again, as a new Date each time (a caller may change its copy)', () => {
    const first = startOfLocalDay({ year: 2026, month: 12, day: 7 }, 'Asia/Jakarta');
    expect(first.toISOString()).toBe('2026-12-06T17:00:00.000Z');
    first.setTime(0);
    const again = startOfLocalDay({ year: 2026, month: 12, day: 7 }, 'Asia/Jakarta');
    expect(again.toISOString()).toBe('2026-12-06T17:00:00.000Z');
    // Another zone's day is another entry.
    expect(startOfLocalDay({ year: 2026, month: 12, day: 7 }, 'Asia/Makassar').toISOString()).toBe('2026-12-06T16:00:00.000Z');
  });

  it('still refuses a zone that does not exist', () => {
    expect(() => startOfLocalDay({ year: 2026, month: 12, day: 7 }, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => startOfLocalDay({ year: 2026, month: 12, day: 7 }, 'Mars/Olympus')).toThrow(RangeError);
  });
});
