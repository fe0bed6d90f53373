import { toMinor } from '../money.js';
import { formatEstimate } from './exact.js';
import { KPI_DEFINITIONS } from './definitions.js';
import { computeKpis, type Kpis } from './formulas.js';
import { resolvePeriod } from './period.js';
import type { DealRow } from './rows.js';
import { emptyTotals, type KpiTotals, totalsFromRows } from './totals.js';

const halfway = { elapsedShare: 0.5, workingDaysElapsed: 10 };
const totals = (fields: Partial<KpiTotals>): KpiTotals => ({ ...emptyTotals(), ...fields });

/** A month worked by hand: every KPI below is checked against arithmetic done on paper. */
const handWorked = totals({
  revenueMinor: toMinor('12000'),
  previousRevenueMinor: toMinor('10000'),
  won: 3,
  lost: 1,
  cycleDays: [10, 60, 20],
  openCount: 4,
  openPipelineMinor: toMinor('30000'),
  weightedPipelineCentiMinor: 150_000_050n, // 15 000.005 → rounds half up to 15 000.01
  openClosingInPeriodMinor: toMinor('16000'),
  commitOpenMinor: toMinor('3000'),
  bestCaseOpenMinor: toMinor('2500'),
  weightedClosingInPeriodCentiMinor: toMinor('8000') * 100n,
  marginBpMinor: toMinor('10000') * 2500n, // 10 000 of revenue at 25.00 %
  marginRevenueMinor: toMinor('10000'),
  quotaMinor: toMinor('20000'),
  leadsCreated: 20,
  leadsConverted: 5,
  activities: { call: 10, email: 20, meeting: 5, demo: 5 },
  activeReps: 2,
});

describe('computeKpis', () => {
  it('computes every KPI of a hand-worked month', () => {
    expect(computeKpis(handWorked, halfway)).toEqual<Kpis>({
      revenue: '12000.00',
      quota: '20000.00',
      attainment: 0.6,
      growth: 0.2,
      incremental: '2000.00',
      won: 3,
      lost: 1,
      winRate: 0.75,
      avgDealSize: '4000.00',
      cycleDays: 30,
      cycleDaysMedian: 20,
      openPipeline: '30000.00',
      weightedPipeline: '15000.01',
      coverage: 2, // 16 000 closing ÷ (20 000 − 12 000) still to reach
      velocity: '400.00', // 4 open × 4 000 × 0.75 ÷ 30 days
      forecast: {
        closed: '12000.00',
        commit: '15000.00',
        bestCase: '17500.00',
        weighted: '20000.00',
        runRate: '24000.00',
      },
      returnOnSales: 0.25,
      returnOnSalesRevenueShare: 10000 / 12000, // 2 000 of the 12 000 won carry no known margin
      leadConversion: 0.25,
      activities: { call: 10, email: 20, meeting: 5, demo: 5, total: 40, perRepPerDay: 2 },
    });
  });

  it('gives "0.00" sums and null ratios when there are no deals, leads, activities or quota', () => {
    expect(computeKpis(emptyTotals(), { elapsedShare: 0, workingDaysElapsed: 0 })).toEqual<Kpis>({
      revenue: '0.00',
      quota: null,
      attainment: null,
      growth: null,
      incremental: '0.00',
      won: 0,
      lost: 0,
      winRate: null,
      avgDealSize: null,
      cycleDays: null,
      cycleDaysMedian: null,
      openPipeline: '0.00',
      weightedPipeline: '0.00',
      coverage: null,
      velocity: null,
      forecast: { closed: '0.00', commit: '0.00', bestCase: '0.00', weighted: '0.00', runRate: null },
      returnOnSales: null,
      returnOnSalesRevenueShare: null,
      leadConversion: null,
      activities: { call: 0, email: 0, meeting: 0, demo: 0, total: 0, perRepPerDay: null },
    });
  });

  it('leaves return on sales unknown, not 0, when no won deal has a known margin, and says it covers none of the revenue', () => {
    const kpis = computeKpis({ ...handWorked, marginBpMinor: 0n, marginRevenueMinor: 0n }, halfway);
    expect([kpis.returnOnSales, kpis.returnOnSalesRevenueShare]).toEqual([null, 0]);
  });

  it('leaves quota, attainment and coverage null when no quota is set', () => {
    const kpis = computeKpis({ ...handWorked, quotaMinor: null }, halfway);
    expect([kpis.quota, kpis.attainment, kpis.coverage]).toEqual([null, null, null]);
  });

  it('leaves coverage null once revenue has reached the quota, and attainment null for a zero quota', () => {
    expect(computeKpis({ ...handWorked, quotaMinor: toMinor('12000') }, halfway).coverage).toBeNull();
    expect(computeKpis({ ...handWorked, quotaMinor: 0n }, halfway).attainment).toBeNull();
  });

  it('adds 0.10 and 0.20 won to exactly "0.30"', () => {
    const november = resolvePeriod({
      period: 'month',
      now: new Date('2026-11-15T05:00:00Z'),
      timeZone: 'Asia/Jakarta',
    });
    const wonDeal = (id: string, amount: string): DealRow => ({
      id,
      ownerId: 'ana',
      teamId: null,
      territoryId: null,
      amountMinor: toMinor(amount),
      stage: 'won',
      stageKind: 'won',
      probability: 100,
      forecastCategory: 'closed',
      createdAt: new Date('2026-11-01T03:00:00Z'),
      closedAt: new Date('2026-11-02T03:00:00Z'),
      expectedCloseDate: null,
      stageEnteredAt: new Date('2026-11-02T03:00:00Z'),
      productId: null,
    });
    const rows = {
      deals: [wonDeal('a', '0.10'), wonDeal('b', '0.20')],
      activities: [],
      leads: [],
      quotas: [],
      reps: [],
      products: [],
    };
    const kpis = computeKpis(totalsFromRows(rows, november, { kind: 'all' }), november);
    expect(kpis.revenue).toBe('0.30');
    expect(kpis.avgDealSize).toBe('0.15');
  });

  it('rounds money only at output, half up: weighted 0.005 is 0.01, 0.0049 is 0.00, 100.00 over 3 deals is 33.33', () => {
    expect(computeKpis(totals({ weightedPipelineCentiMinor: 50n }), halfway).weightedPipeline).toBe('0.01');
    expect(computeKpis(totals({ weightedPipelineCentiMinor: 49n }), halfway).weightedPipeline).toBe('0.00');
    expect(computeKpis(totals({ revenueMinor: 10000n, won: 3 }), halfway).avgDealSize).toBe('33.33');
    expect(computeKpis(totals({ revenueMinor: 20000n, won: 3 }), halfway).avgDealSize).toBe('66.67');
  });

  it('keeps a weighted pipeline above 2^53 hundredths of a minor unit exact', () => {
    // 10 trillion IDR of pipeline at 55 %: the product no JS number could hold exactly.
    const centi = toMinor('10000000000000') * 55n;
    expect(computeKpis(totals({ weightedPipelineCentiMinor: centi }), halfway).weightedPipeline).toBe('5500000000000.00');
  });

  it('shows a fall in revenue as negative growth and negative incremental sales', () => {
    const kpis = computeKpis(totals({ revenueMinor: toMinor('500'), previousRevenueMinor: toMinor('1000') }), halfway);
    expect([kpis.growth, kpis.incremental]).toEqual([-0.5, '-500.00']);
  });

  it('projects the run rate from the elapsed share, and leaves it null before the period starts', () => {
    const revenue = totals({ revenueMinor: toMinor('1000') });
    expect(computeKpis(revenue, { elapsedShare: 0.25, workingDaysElapsed: 5 }).forecast.runRate).toBe('4000.00');
    expect(computeKpis(revenue, { elapsedShare: 1, workingDaysElapsed: 22 }).forecast.runRate).toBe('1000.00');
    expect(computeKpis(revenue, { elapsedShare: 0, workingDaysElapsed: 0 }).forecast.runRate).toBeNull();
  });

  it('takes the median of an even number of cycles as the mean of the middle two', () => {
    expect(computeKpis(totals({ cycleDays: [4, 1, 10, 2] }), halfway).cycleDaysMedian).toBe(3);
  });

  it('leaves velocity null when deals close on the day they are created', () => {
    const sameDay = totals({ revenueMinor: toMinor('100'), won: 1, cycleDays: [0], openCount: 3 });
    expect(computeKpis(sameDay, halfway).velocity).toBeNull();
  });

  it('never returns NaN or Infinity, whatever is zero', () => {
    const zeroes: Partial<KpiTotals>[] = [
      { won: 0, revenueMinor: 500n },
      { lost: 3 },
      { quotaMinor: 0n, revenueMinor: 100n },
      { previousRevenueMinor: 0n, revenueMinor: 100n },
      { marginRevenueMinor: 0n, marginBpMinor: 0n },
      { activeReps: 0, activities: { call: 4, email: 0, meeting: 0, demo: 0 } },
    ];
    for (const fields of zeroes) {
      for (const share of [0, 1]) {
        const values = flatten(computeKpis(totals(fields), { elapsedShare: share, workingDaysElapsed: share * 5 }));
        expect(values.filter((value) => typeof value === 'number' && !Number.isFinite(value))).toEqual([]);
      }
    }
  });
});

describe('KPI_DEFINITIONS', () => {
  it('defines every KPI field, nested ones included, in one line of text', () => {
    const kpis = computeKpis(emptyTotals(), halfway);
    const keys = Object.entries(kpis).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null ? [key, ...Object.keys(value).map((inner) => `${key}.${inner}`)] : [key],
    );
    const definitions: Record<string, string> = KPI_DEFINITIONS;
    for (const key of keys) expect(definitions[key]).toMatch(/^[^\n]{10,}$/);
  });
});

function flatten(value: unknown): unknown[] {
  return typeof value === 'object' && value !== null ? Object.values(value).flatMap(flatten) : [value];
}

describe('estimates beyond 2^53 minor units', () => {
  it('formats a velocity in IDR that no float integer can hold exactly, instead of failing', () => {
    // A 98-billion-rupiah deal won a tenth of a day after it was opened, with a thousand others open.
    const kpis = computeKpis(totals({ won: 1, lost: 0, openCount: 1000, revenueMinor: 9_876_543_210_000n, cycleDays: [0.1] }), halfway);
    expect((1000 * 9_876_543_210_000) / 0.1).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(kpis.velocity).toBe(formatEstimate((1000 * 9_876_543_210_000) / 0.1));
    expect(kpis.velocity).toMatch(/^98765432\d{7}\.\d{2}$/);
    expect(formatEstimate(2 ** 60)).toBe('11529215046068469.76');
    expect(() => formatEstimate(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
