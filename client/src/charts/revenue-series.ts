import { minorMagnitude, type Deal, type KpiPeriodInfo } from '@salesboard/shared';

export interface RevenueSeries {
  /** "2026-11-05" per local day, or "14" per hour for today. */
  buckets: string[];
  /** Revenue won up to the end of each bucket, minor units; null for buckets still to come. */
  cumulative: (number | null)[];
  /** Where the quota line stands at the end of each bucket (a straight line to the quota), or null without a quota. */
  pace: (number | null)[] | null;
  /** Won deals counted. */
  counted: number;
}

const MS_PER_DAY = 86_400_000;

function dayKeys(from: string, to: string): string[] {
  const keys: string[] = [];
  for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`); day += MS_PER_DAY) {
    keys.push(new Date(day).toISOString().slice(0, 10));
  }
  return keys;
}

/** The bucket an instant falls in, read in the organisation's zone. */
function bucketOf(instant: number, byHour: boolean, zone: Intl.DateTimeFormat): string {
  const parts = Object.fromEntries(zone.formatToParts(instant).map((part) => [part.type, part.value]));
  return byHour ? parts.hour : `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * Cumulative won revenue over a period, bucket by bucket, against a straight line from zero to
 * the quota: the shape of "are we on track". Built from won deals (the caller filters nothing;
 * deals closed outside the period are left out here).
 */
export function cumulativeRevenue(deals: readonly Deal[], period: KpiPeriodInfo, quotaMinor: number | null, now: number): RevenueSeries {
  const byHour = period.kind === 'today';
  const zone = new Intl.DateTimeFormat('en-CA', {
    timeZone: period.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const buckets = byHour ? Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0')) : dayKeys(period.from, period.to);
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);

  const perBucket = new Map<string, number>();
  let counted = 0;
  for (const deal of deals) {
    if (deal.closedAt === null) continue;
    const closed = Date.parse(deal.closedAt);
    if (closed < start || closed >= end) continue;
    const key = bucketOf(closed, byHour, zone);
    // A line to draw, not a printed figure: a number is precise enough.
    perBucket.set(key, (perBucket.get(key) ?? 0) + minorMagnitude(deal.amount));
    counted += 1;
  }

  // Buckets after the current one have not happened: no line there rather than a flat one.
  const currentBucket = now >= end ? null : now < start ? '' : bucketOf(now, byHour, zone);
  let running = 0;
  const cumulative = buckets.map((key) => {
    if (currentBucket !== null && key > currentBucket) return null;
    running += perBucket.get(key) ?? 0;
    return running;
  });
  const pace = quotaMinor === null ? null : buckets.map((_, index) => Math.round((quotaMinor * (index + 1)) / buckets.length));
  return { buckets, cumulative, pace, counted };
}
