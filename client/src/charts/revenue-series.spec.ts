import type { KpiPeriodInfo } from '@salesboard/shared';
import { describe, expect, it } from 'vitest';
import { makeDeal } from '@/test-support/live-fixtures';
import { cumulativeRevenue } from './revenue-series';

/** November 2026 in Jakarta (UTC+7): from 2026-10-31T17:00Z to 2026-11-30T17:00Z. */
const NOVEMBER: KpiPeriodInfo = {
  kind: 'month',
  timeZone: 'Asia/Jakarta',
  from: '2026-11-01',
  to: '2026-11-30',
  start: '2026-10-31T17:00:00.000Z',
  end: '2026-11-30T17:00:00.000Z',
  previousFrom: '2026-10-01',
  previousTo: '2026-10-31',
  lastYearFrom: '2025-11-01',
  lastYearTo: '2025-11-30',
  elapsedShare: 0.5,
};

const won = (closedAt: string, amount: string) => makeDeal({ id: closedAt, stage: 'won', closedAt, amount });

describe('cumulative revenue against the quota line', () => {
  it('adds up won deals day by day in the organisation time zone and stops at today', () => {
    const deals = [
      won('2026-10-31T18:00:00.000Z', '100.00'), // 1 Nov, 01:00 in Jakarta
      won('2026-11-02T16:59:00.000Z', '50.00'), // 2 Nov, 23:59 in Jakarta
      won('2026-11-02T17:00:00.000Z', '25.00'), // 3 Nov, 00:00 in Jakarta
      won('2026-10-31T16:00:00.000Z', '999.00'), // 31 Oct in Jakarta: another period
    ];

    const series = cumulativeRevenue(deals, NOVEMBER, 300_00, Date.parse('2026-11-03T05:00:00.000Z'));

    expect(series.buckets).toHaveLength(30);
    expect(series.cumulative.slice(0, 4)).toEqual([100_00, 150_00, 175_00, null]);
    expect(series.counted).toBe(3);
    expect(series.pace?.[0]).toBe(10_00);
    expect(series.pace?.at(-1)).toBe(300_00);
  });

  it('draws no quota line without a quota', () => {
    expect(cumulativeRevenue([], NOVEMBER, null, Date.parse('2026-12-05T00:00:00Z')).pace).toBeNull();
  });
});
