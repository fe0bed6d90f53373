/**
 * Instants ↔ local days in an IANA time zone, with nothing but Intl.DateTimeFormat. The offset
 * of a zone changes (DST, law), so it is found for the instant in question: read once per UTC
 * hour, and at the instant itself in an hour that holds a change.
 */
import type { IsoDate } from '../domain.js';
import { type CivilDate, formatIsoDate, fromDayNumber, MS_PER_DAY, mod, REMEMBERED_DATES, toDayNumber } from './civil-date.js';

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

/** The zone's wall clock at an instant, to the second, as Intl reads it: the slow, exact way. */
function measuredWallClockAt(epochMs: number, timeZone: string): WallClock {
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

function measuredOffsetMs(epochMs: number, timeZone: string): number {
  const wall = measuredWallClockAt(epochMs, timeZone);
  const wallAsUtc = toDayNumber(wall) * MS_PER_DAY + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000;
  return wallAsUtc - (epochMs - mod(epochMs, 1000));
}

const HOUR_MS = 3_600_000;
/** Hours remembered per zone: eleven years of them, a few MB, far more than the dates in play. */
const REMEMBERED_HOURS = 100_000;

/**
 * Per zone, the offset at the start of each UTC hour, by hour number. Intl's formatToParts takes
 * microseconds, and an import asks for the local day of every row it reads, twice (28 % of the
 * server's time importing deals went there). A zone's offset changes a few times a year, never
 * twice within an hour, so an hour that starts on the offset the next hour starts on holds it
 * throughout; an hour holding a change is measured at the instant asked for.
 */
const offsetsAtHours = new Map<string, Map<number, number>>();

function offsetAtHour(hour: number, timeZone: string, byHour: Map<number, number>): number {
  let offset = byHour.get(hour);
  if (offset === undefined) {
    offset = measuredOffsetMs(hour * HOUR_MS, timeZone);
    if (byHour.size >= REMEMBERED_HOURS) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset;
}

/** Milliseconds to add to UTC to get the zone's wall clock at that instant (+7 h for Jakarta). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let byHour = offsetsAtHours.get(timeZone);
  if (!byHour) {
    formatterFor(timeZone); // throws for a zone that is not one, which is then not remembered
    byHour = new Map();
    offsetsAtHours.set(timeZone, byHour);
  }
  const hour = Math.floor(epochMs / HOUR_MS);
  if (!Number.isFinite(hour)) return measuredOffsetMs(epochMs, timeZone); // throws Intl's RangeError
  const atStart = offsetAtHour(hour, timeZone, byHour);
  return atStart === offsetAtHour(hour + 1, timeZone, byHour) ? atStart : measuredOffsetMs(epochMs, timeZone);
}

/** The local calendar day of an instant in the zone: 2026-11-30T16:59Z in Asia/Jakarta → 2026-11-30. */
export function civilDateOf(instant: Date, timeZone: string): CivilDate {
  const epochMs = instant.getTime();
  // The wall clock, to the second, read as if it were UTC: its day number is the local day's.
  const wallMs = epochMs - mod(epochMs, 1000) + zoneOffsetMs(epochMs, timeZone);
  return fromDayNumber(Math.floor(wallMs / MS_PER_DAY));
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
