import fc from 'fast-check';
import { civilDateOf, localDateOf, zoneOffsetMs } from './zone.js';

// zone.ts remembers each zone's offset per UTC hour; these check it against Intl read afresh at
// every instant, in every zone ICU knows, and most closely around changes of offset.

const ZONES = Intl.supportedValuesOf('timeZone');
const zones = fc.constantFrom(...ZONES);
const FROM = Date.UTC(1850, 0, 1);
const TO = Date.UTC(2100, 0, 1);
const instants = fc.integer({ min: FROM, max: TO });

const referenceFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock at an instant as Intl reads it, "2026-11-30 23:59:59": the independent answer. */
function intlWallClock(epochMs: number, timeZone: string): string {
  let formatter = referenceFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    referenceFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(epochMs);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

function wallClockByOffset(epochMs: number, timeZone: string): string {
  const wall = new Date(epochMs - (((epochMs % 1000) + 1000) % 1000) + zoneOffsetMs(epochMs, timeZone));
  return wall.toISOString().slice(0, 19).replace('T', ' ');
}

/** A second at which the zone's offset changes, within `weeks` after `from`, or null. */
function nextChange(from: number, timeZone: string, weeks: number): number | null {
  const offsetAt = (t: number) => Date.parse(intlWallClock(t, timeZone).replace(' ', 'T') + 'Z') - (t - (((t % 1000) + 1000) % 1000));
  const start = offsetAt(from);
  let low = from;
  let high = from;
  for (let week = 1; week <= weeks; week++) {
    high = from + week * 7 * 86_400_000;
    if (offsetAt(high) !== start) break;
    low = high;
    if (week === weeks) return null;
  }
  // Binary search to the second: low has the old offset, high another.
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(middle) === start) low = middle;
    else high = middle;
  }
  return high;
}

describe('local days and wall clocks in a time zone', () => {
  it('read the same wall clock as Intl at any instant, in every zone', () => {
    fc.assert(
      fc.property(zones, instants, (zone, t) => {
        expect(wallClockByOffset(t, zone)).toBe(intlWallClock(t, zone));
        expect(localDateOf(new Date(t), zone)).toBe(intlWallClock(t, zone).slice(0, 10));
      }),
      { numRuns: 2000 },
    );
  });

  it('read the same as Intl in the hours around a change of offset, second by second near it', () => {
    const changes = fc
      .tuple(zones, instants)
      .map(([zone, t]) => ({ zone, change: nextChange(t - (t % 1000), zone, 60) }))
      .filter((c): c is { zone: string; change: number } => c.change !== null);
    fc.assert(
      fc.property(changes, fc.integer({ min: -7200, max: 7200 }), ({ zone, change }, seconds) => {
        // Around the change: the hour it falls in, the hours either side, and the seconds at its edge.
        for (const t of [change + seconds * 1000, change - 1000, change, change + 999]) {
          expect(wallClockByOffset(t, zone)).toBe(intlWallClock(t, zone));
          expect(civilDateOf(new Date(t), zone)).toEqual(
            Object.fromEntries(
              intlWallClock(t, zone)
                .slice(0, 10)
                .split('-')
                .map((n, i) => [['year', 'month', 'day'][i], Number(n)]),
            ),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a zone that is not one, and an invalid instant', () => {
    expect(() => localDateOf(new Date(0), 'Asia/Atlantis')).toThrow(RangeError);
    expect(() => localDateOf(new Date(Number.NaN), 'Asia/Jakarta')).toThrow(RangeError);
  });
});
