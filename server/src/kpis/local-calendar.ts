/**
 * Local calendar days as plain day numbers (days since 1970-01-01), which is how the aggregates
 * are bucketed. The edges come from the shared startOfLocalDay, so a bucket holds exactly the
 * instants a shared PeriodRange counts for that day, DST days included.
 */
import { localDateOf, startOfLocalDay } from '@salesboard/shared';

export const MS_PER_DAY = 86_400_000;

/** "2026-11-30" → its day number. */
export function dayNumberOf(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`) / MS_PER_DAY;
}

/** Day number → "2026-11-30". */
export function isoDateOf(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

// Day numbers ↔ months by H. Hinnant's civil calendar algorithms: integer arithmetic only, as
// these run for every bucket a period sum touches and a Date per call showed in profiles.

/** Months since year 0 (year × 12 + month − 1) of a day number: the key of a month bucket. */
export function monthIndexOf(dayNumber: number): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

/** The day number of the first day of a month index. */
export function firstDayOfMonth(monthIndex: number): number {
  const month = (monthIndex % 12) + 1;
  const year = Math.floor(monthIndex / 12) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5);
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

interface UtcDayEdges {
  /** The local day the UTC day begins in. */
  firstLocalDay: number;
  /** Starts of the following local days that fall inside this UTC day (usually one). */
  nextStarts: number[];
}

/** Instant → local day, cached per UTC day so the hot path is a map lookup and a comparison. */
export class LocalCalendar {
  private readonly edges = new Map<number, UtcDayEdges>();

  constructor(readonly timeZone: string) {}

  dayOf(epochMs: number): number {
    const utcDay = Math.floor(epochMs / MS_PER_DAY);
    let edges = this.edges.get(utcDay);
    if (!edges) {
      edges = this.describe(utcDay);
      this.edges.set(utcDay, edges);
    }
    let day = edges.firstLocalDay;
    for (const start of edges.nextStarts) {
      if (epochMs < start) break;
      day++;
    }
    return day;
  }

  /** The instant a local day starts. */
  startOf(dayNumber: number): number {
    const date = new Date(dayNumber * MS_PER_DAY);
    return startOfLocalDay({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, this.timeZone).getTime();
  }

  today(now: Date = new Date()): number {
    return this.dayOf(now.getTime());
  }

  private describe(utcDay: number): UtcDayEdges {
    const begin = utcDay * MS_PER_DAY;
    const firstLocalDay = dayNumberOf(localDateOf(new Date(begin), this.timeZone));
    const nextStarts: number[] = [];
    for (let day = firstLocalDay + 1; ; day++) {
      const start = this.startOf(day);
      if (start >= begin + MS_PER_DAY) break;
      nextStarts.push(start);
    }
    return { firstLocalDay, nextStarts };
  }
}
