/**
 * Additive totals per local day, mirrored per month, so the sum over any run of whole days
 * costs at most ~62 bucket reads plus one per month, however many deals made them.
 */
import { firstDayOfMonth, monthIndexOf } from './local-calendar.js';

/** How one kind of bucket is made, added into and recognised as empty. */
export interface BucketKind<B> {
  create(): B;
  /** into += sign × delta */
  add(into: B, delta: B, sign: 1 | -1): void;
  isEmpty(bucket: B): boolean;
}

export class CalendarSeries<B> {
  private readonly days = new Map<number, B>();
  private readonly months = new Map<number, B>();

  constructor(readonly kind: BucketKind<B>) {}

  apply(day: number, delta: B, sign: 1 | -1): void {
    this.bump(this.days, day, delta, sign);
    this.bump(this.months, monthIndexOf(day), delta, sign);
  }

  /** Σ over the days from `first` to `last`, both inclusive; empty when last < first. */
  sum(first: number, last: number, into: B = this.kind.create()): B {
    let day = first;
    while (day <= last) {
      const month = monthIndexOf(day);
      const nextMonthStart = firstDayOfMonth(month + 1);
      if (day === firstDayOfMonth(month) && nextMonthStart - 1 <= last) {
        const bucket = this.months.get(month);
        if (bucket) this.kind.add(into, bucket, 1);
        day = nextMonthStart;
        continue;
      }
      // The rest of this month, or of the range: plain day lookups, no date arithmetic per day.
      for (const stop = Math.min(last, nextMonthStart - 1); day <= stop; day++) {
        const bucket = this.days.get(day);
        if (bucket) this.kind.add(into, bucket, 1);
      }
    }
    return into;
  }

  /** One day's bucket, if anything happened that day. */
  day(day: number): B | undefined {
    return this.days.get(day);
  }

  /** Day buckets in day order, for comparing two series. */
  entries(): [number, B][] {
    return [...this.days.entries()].sort((a, b) => a[0] - b[0]);
  }

  private bump(map: Map<number, B>, key: number, delta: B, sign: 1 | -1): void {
    let bucket = map.get(key);
    if (!bucket) {
      bucket = this.kind.create();
      map.set(key, bucket);
    }
    this.kind.add(bucket, delta, sign);
    // Emptied buckets go, so a rebuilt series and an updated one hold the same keys.
    if (this.kind.isEmpty(bucket)) map.delete(key);
  }
}

export interface CycleStats {
  count: number;
  /** Σ cycle lengths in whole milliseconds: integers, so adding and removing never drifts. */
  sumMs: number;
  /** The median cycle in milliseconds; null when there is none. */
  medianMs: number | null;
}

/**
 * Cycle lengths (created → won, in ms) of won deals per local day of the win, each day's kept
 * sorted. The mean comes from per-day sums; the median is found by a search over values
 * across the sorted days, without gathering or sorting the period's deals.
 */
export class CycleSeries {
  private readonly days = new Map<number, { sorted: number[]; sumMs: number }>();

  add(day: number, ms: number): void {
    let bucket = this.days.get(day);
    if (!bucket) {
      bucket = { sorted: [], sumMs: 0 };
      this.days.set(day, bucket);
    }
    bucket.sorted.splice(upperBound(bucket.sorted, ms), 0, ms);
    bucket.sumMs += ms;
  }

  remove(day: number, ms: number): void {
    const bucket = this.days.get(day);
    const index = bucket ? upperBound(bucket.sorted, ms) - 1 : -1;
    if (!bucket || index < 0 || bucket.sorted[index] !== ms) throw new Error(`no cycle of ${ms} ms on day ${day} to remove`);
    bucket.sorted.splice(index, 1);
    bucket.sumMs -= ms;
    if (bucket.sorted.length === 0) this.days.delete(day);
  }

  stats(first: number, last: number): CycleStats {
    const lists: number[][] = [];
    let count = 0;
    let sumMs = 0;
    // A long custom range walks the (few) days that have wins rather than every calendar day.
    const take = (bucket: { sorted: number[]; sumMs: number }) => {
      lists.push(bucket.sorted);
      count += bucket.sorted.length;
      sumMs += bucket.sumMs;
    };
    if (last - first > this.days.size) {
      for (const [day, bucket] of this.days) if (day >= first && day <= last) take(bucket);
    } else {
      for (let day = first; day <= last; day++) {
        const bucket = this.days.get(day);
        if (bucket) take(bucket);
      }
    }
    if (count === 0) return { count, sumMs, medianMs: null };
    const middle = Math.floor(count / 2);
    const medianMs = count % 2 === 1 ? kthSmallest(lists, middle) : (kthSmallest(lists, middle - 1) + kthSmallest(lists, middle)) / 2;
    return { count, sumMs, medianMs };
  }

  entries(): [number, number[]][] {
    return [...this.days.entries()].map(([day, bucket]): [number, number[]] => [day, bucket.sorted]).sort((a, b) => a[0] - b[0]);
  }
}

/** Index of the first element greater than `value` in an ascending array. */
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The k-th smallest (0-based) integer across ascending arrays: a binary search over values. */
export function kthSmallest(lists: readonly (readonly number[])[], k: number): number {
  let low = Infinity;
  let high = -Infinity;
  for (const list of lists) {
    if (list.length === 0) continue;
    low = Math.min(low, list[0]);
    high = Math.max(high, list[list.length - 1]);
  }
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    let atMostMid = 0;
    for (const list of lists) atMostMid += upperBound(list, mid);
    if (atMostMid > k) high = mid;
    else low = mid + 1;
  }
  return low;
}
