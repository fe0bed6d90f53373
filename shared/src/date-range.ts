/**
 * The one span of time Salesboard accepts a date or an instant in, wherever it comes from: the
 * REST API, CSV imports and CRM webhooks. PostgreSQL stores 4713 BC to 294276 AD, but a deal
 * closing in 1 BC is a typo, and a KPI engine that files such a row walks every day in between.
 */
export const DATE_RANGE = {
  /** First calendar day accepted, inclusive. */
  earliest: '1970-01-01',
  /** Last calendar day accepted, inclusive. */
  latest: '2100-12-31',
} as const;

/** Instants in milliseconds: [earliestMs, endMs), UTC midnight to UTC midnight. */
export const INSTANT_RANGE = {
  earliestMs: Date.UTC(1970, 0, 1),
  endMs: Date.UTC(2101, 0, 1),
} as const;

export const DATE_RANGE_MESSAGE = `must be between ${DATE_RANGE.earliest} and ${DATE_RANGE.latest}`;

/** A "YYYY-MM-DD" inside DATE_RANGE (ISO dates compare correctly as strings). */
export function isDateInRange(isoDate: string): boolean {
  return isoDate >= DATE_RANGE.earliest && isoDate <= DATE_RANGE.latest;
}

/** An instant, in epoch milliseconds, inside INSTANT_RANGE; NaN is not. */
export function isInstantInRange(epochMs: number): boolean {
  return epochMs >= INSTANT_RANGE.earliestMs && epochMs < INSTANT_RANGE.endMs;
}
