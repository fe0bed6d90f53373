/** The additive totals the aggregates keep per scope and day, and how each adds up. Money is bigint minor units: no total can overflow. */
import { ACTIVITY_TYPES, type ActivityType } from '@salesboard/shared';
import type { BucketKind } from './calendar-series.js';

/** Deals closed on a day: the won ones carry revenue and margin, the lost ones only count. */
export interface ClosedBucket {
  revenueMinor: bigint;
  won: number;
  lost: number;
  /** Σ amountMinor × margin basis points over won deals with a known margin. */
  marginBpMinor: bigint;
  marginRevenueMinor: bigint;
}

export const CLOSED: BucketKind<ClosedBucket> = {
  create: () => ({ revenueMinor: 0n, won: 0, lost: 0, marginBpMinor: 0n, marginRevenueMinor: 0n }),
  add(into, delta, sign) {
    into.revenueMinor += signed(delta.revenueMinor, sign);
    into.won += sign * delta.won;
    into.lost += sign * delta.lost;
    into.marginBpMinor += signed(delta.marginBpMinor, sign);
    into.marginRevenueMinor += signed(delta.marginRevenueMinor, sign);
  },
  isEmpty: (b) => b.won === 0 && b.lost === 0 && b.revenueMinor === 0n && b.marginBpMinor === 0n && b.marginRevenueMinor === 0n,
};

/** Open deals by their expected close date: what the forecast and coverage read. */
export interface ClosingBucket {
  count: number;
  amountMinor: bigint;
  /** Σ amountMinor × probability %: hundredths of a minor unit. */
  weightedCentiMinor: bigint;
  commitMinor: bigint;
  bestCaseMinor: bigint;
}

export const CLOSING: BucketKind<ClosingBucket> = {
  create: () => ({ count: 0, amountMinor: 0n, weightedCentiMinor: 0n, commitMinor: 0n, bestCaseMinor: 0n }),
  add(into, delta, sign) {
    into.count += sign * delta.count;
    into.amountMinor += signed(delta.amountMinor, sign);
    into.weightedCentiMinor += signed(delta.weightedCentiMinor, sign);
    into.commitMinor += signed(delta.commitMinor, sign);
    into.bestCaseMinor += signed(delta.bestCaseMinor, sign);
  },
  isEmpty: (b) => b.count === 0 && b.amountMinor === 0n && b.weightedCentiMinor === 0n && b.commitMinor === 0n && b.bestCaseMinor === 0n,
};

export type ActivityBucket = Record<ActivityType, number>;

export const ACTIVITIES: BucketKind<ActivityBucket> = {
  create: () => ({ call: 0, email: 0, meeting: 0, demo: 0 }),
  add(into, delta, sign) {
    for (const type of ACTIVITY_TYPES) into[type] += sign * delta[type];
  },
  isEmpty: (b) => ACTIVITY_TYPES.every((type) => b[type] === 0),
};

/** Leads by the day they were created; `converted` counts those converted by now. */
export interface LeadBucket {
  created: number;
  converted: number;
}

export const LEADS: BucketKind<LeadBucket> = {
  create: () => ({ created: 0, converted: 0 }),
  add(into, delta, sign) {
    into.created += sign * delta.created;
    into.converted += sign * delta.converted;
  },
  isEmpty: (b) => b.created === 0 && b.converted === 0,
};

/** Open deals now, whatever their close date: the pipeline is a snapshot, not a period sum. */
export interface OpenTotals {
  count: number;
  amountMinor: bigint;
  weightedCentiMinor: bigint;
}

/** sign × value for a bigint: bigint and number do not multiply. */
export function signed(value: bigint, sign: 1 | -1): bigint {
  return sign === 1 ? value : -value;
}
