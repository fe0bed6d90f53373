/**
 * Instants ↔ local days in an IANA time zone, with nothing but Intl.DateTimeFormat. The offset
 * of a zone changes (DST, law), so it is always looked up for the instant in question.
 */
import type { IsoDate } from '../domain.js';
import { type CivilDate, formatIsoDate, MS_PER_DAY, mod, REMEMBERED_DATES, toDayNumber } from './civil-date.js';

interface WallClock extends CivilDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError naming the zone when it is not a valid IANA zone.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Milliseconds to add to UTC to get the zone's wall clock at that instant (+7 h for Jakarta). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const wall = wallClockAt(epochMs, timeZone);
  const wallAsUtc = toDayNumber(wall) * MS_PER_DAY + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000;
  return wallAsUtc - (epochMs - mod(epochMs, 1000));
}

/** The local calendar day of an instant in the zone: 2026-11-30T16:59Z in Asia/Jakarta → 2026-11-30. */
export function civilDateOf(instant: Date, timeZone: string): CivilDate {
  const { year, month, day } = wallClockAt(instant.getTime(), timeZone);
  return { year, month, day };
}

export function localDateOf(instant: Date, timeZone: string): IsoDate {
  return formatIsoDate(civilDateOf(instant, timeZone));
}

/**
 * The first instant of a local day. Usually local midnight; where a DST change skips midnight
 * (America/Santiago springs from 00:00 to 01:00) the day starts at the change, and where midnight
 * happens twice the earlier one is taken.
 */
export function startOfLocalDay(date: CivilDate, timeZone: string): Date {
  const dayNumber = toDayNumber(date);
  const key = `${timeZone}|${dayNumber}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    start = firstInstantOfDay(dayNumber, timeZone);
    if (dayStarts.size >= REMEMBERED_DATES) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return new Date(start);
}

/**
 * Where each local day starts, by zone and day number. A day's start is fixed once the zone's
 * rules are (a change of law reaches the process with a new ICU, that is, a restart), and every
 * live period's range asks for the same few days' starts several times a second.
 */
const dayStarts = new Map<string, number>();

function firstInstantOfDay(dayNumber: number, timeZone: string): number {
  const wallMs = dayNumber * MS_PER_DAY;
  // Offsets in force a day either side cover both sides of any change near this midnight.
  const offsets = [zoneOffsetMs(wallMs - MS_PER_DAY, timeZone), zoneOffsetMs(wallMs + MS_PER_DAY, timeZone)];
  const candidates = offsets.map((offset) => wallMs - offset);
  const real = candidates.filter((instant, i) => zoneOffsetMs(instant, timeZone) === offsets[i]);
  // No candidate is real when midnight falls in a gap: the day then starts where the gap ends,
  // which is midnight read with the offset from before the change, the later candidate.
  return real.length > 0 ? Math.min(...real) : Math.max(...candidates);
}
