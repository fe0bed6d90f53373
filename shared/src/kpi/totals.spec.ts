import { toMinor } from '../money.js';
import { resolvePeriod } from './period.js';
import type { DealRow, KpiRows } from './rows.js';
import { addTotals, emptyTotals, totalsFromRows } from './totals.js';

const november = resolvePeriod({ period: 'month', now: new Date('2026-11-15T05:00:00Z'), timeZone: 'Asia/Jakarta' });
const ALL = { kind: 'all' } as const;

let nextId = 1;
function deal(fields: Partial<DealRow> & { amount?: string }): DealRow {
  const { amount = '1000', ...rest } = fields;
  return {
    id: `deal-${nextId++}`,
    ownerId: 'ana',
    teamId: 'north',
    territoryId: 'java',
    amountMinor: toMinor(amount),
    stage: 'proposal',
    stageKind: 'open',
    probability: 60,
    forecastCategory: 'best_case',
    createdAt: new Date('2026-10-01T03:00:00Z'),
    closedAt: null,
    expectedCloseDate: null,
    stageEnteredAt: new Date('2026-10-20T03:00:00Z'),
    productId: null,
    ...rest,
  };
}
const won = (closedAt: string, fields: Partial<DealRow> & { amount?: string } = {}) =>
  deal({
    stage: 'won',
    stageKind: 'won',
    probability: 100,
    forecastCategory: 'closed',
    closedAt: new Date(closedAt),
    ...fields,
  });

function rows(fields: Partial<KpiRows>): KpiRows {
  return {
    deals: [],
    activities: [],
    leads: [],
    quotas: [],
    products: [],
    reps: [
      { id: 'ana', teamId: 'north', territoryId: 'java', active: true },
      { id: 'budi', teamId: 'south', territoryId: 'bali', active: true },
      { id: 'citra', teamId: 'south', territoryId: 'bali', active: false },
    ],
    ...fields,
  };
}

describe('totalsFromRows', () => {
  it('adds deals won in the period to revenue and their created-to-closed days to the cycle', () => {
    const totals = totalsFromRows(rows({ deals: [won('2026-11-11T03:00:00Z', { amount: '1500000.50' })] }), november, ALL);
    expect(totals.revenueMinor).toBe(150000050n);
    expect(totals.won).toBe(1);
    expect(totals.cycleDays).toEqual([41]);
  });

  it('counts a deal won at 23:59 Jakarta time on 30 November in November, and one at 00:00 on 1 December not', () => {
    const deals = [won('2026-11-30T16:59:00Z', { amount: '100' }), won('2026-11-30T17:00:00Z', { amount: '900' })];
    const totals = totalsFromRows(rows({ deals }), november, ALL);
    expect(totals.revenueMinor).toBe(toMinor('100'));
    expect(totals.won).toBe(1);
  });

  it('adds deals won in the same days of the previous month (1–15 October on 15 November) to the previous revenue only', () => {
    // 15 October 23:59 and 16 October 00:00 in Jakarta: the first is within the compared span, the second after it.
    const deals = [won('2026-10-15T16:59:00Z', { amount: '700' }), won('2026-10-15T17:00:00Z', { amount: '50' })];
    const totals = totalsFromRows(rows({ deals }), november, ALL);
    expect(totals.previousRevenueMinor).toBe(toMinor('700'));
    expect(totals.revenueMinor).toBe(0n);
  });

  it('counts a deal reopened after it was won neither as won nor in revenue, but as open pipeline', () => {
    const reopened = deal({ stageKind: 'open', closedAt: new Date('2026-11-10T03:00:00Z'), amount: '5000' });
    const totals = totalsFromRows(rows({ deals: [reopened] }), november, ALL);
    expect([totals.won, totals.revenueMinor, totals.cycleDays.length]).toEqual([0, 0n, 0]);
    expect(totals.openPipelineMinor).toBe(toMinor('5000'));
  });

  it('counts deals lost in the period', () => {
    const lost = deal({ stage: 'lost', stageKind: 'lost', probability: 0, closedAt: new Date('2026-11-03T03:00:00Z') });
    expect(totalsFromRows(rows({ deals: [lost] }), november, ALL).lost).toBe(1);
  });

  it('sums open deals, weights them by probability in hundredths of a minor unit, and splits what closes in the period by category', () => {
    const deals = [
      deal({ amount: '1000', probability: 80, forecastCategory: 'commit', expectedCloseDate: '2026-11-30' }),
      deal({ amount: '500', probability: 40, forecastCategory: 'best_case', expectedCloseDate: '2026-11-01' }),
      deal({ amount: '300', probability: 10, forecastCategory: 'pipeline', expectedCloseDate: '2026-12-01' }),
      deal({ amount: '200', probability: 20, forecastCategory: 'commit', expectedCloseDate: null }),
    ];
    const totals = totalsFromRows(rows({ deals }), november, ALL);
    expect(totals.openCount).toBe(4);
    expect(totals.openPipelineMinor).toBe(toMinor('2000'));
    expect(totals.weightedPipelineCentiMinor).toBe(100000n * 80n + 50000n * 40n + 30000n * 10n + 20000n * 20n);
    expect(totals.openClosingInPeriodMinor).toBe(toMinor('1500'));
    expect(totals.weightedClosingInPeriodCentiMinor).toBe(100000n * 80n + 50000n * 40n);
    expect(totals.commitOpenMinor).toBe(toMinor('1000'));
    expect(totals.bestCaseOpenMinor).toBe(toMinor('500'));
  });

  it('takes the margin from the deal, else from its product, and leaves deals without one out of return on sales', () => {
    const deals = [
      won('2026-11-05T03:00:00Z', { amount: '1000', marginBp: 2550 }),
      won('2026-11-06T03:00:00Z', { amount: '2000', productId: 'p1' }),
      won('2026-11-07T03:00:00Z', { amount: '4000', productId: 'p2' }),
    ];
    const products = [
      { id: 'p1', marginPct: '40.00' },
      { id: 'p2', marginPct: null },
    ];
    const totals = totalsFromRows(rows({ deals, products }), november, ALL);
    expect(totals.marginBpMinor).toBe(100000n * 2550n + 200000n * 4000n);
    expect(totals.marginRevenueMinor).toBe(toMinor('3000'));
  });

  it('keeps deals, activities, leads and active reps to the scope, through the rep for team and territory', () => {
    const input = rows({
      deals: [won('2026-11-05T03:00:00Z', { ownerId: 'budi', teamId: 'south', territoryId: 'bali' }), won('2026-11-05T03:00:00Z')],
      activities: [
        { repId: 'ana', type: 'call', at: new Date('2026-11-02T03:00:00Z') },
        { repId: 'budi', type: 'demo', at: new Date('2026-11-02T03:00:00Z') },
        { repId: 'budi', type: 'demo', at: new Date('2026-10-30T03:00:00Z') },
      ],
      leads: [
        { repId: 'budi', status: 'converted', createdAt: new Date('2026-11-02T03:00:00Z'), convertedDealId: 'deal-x' },
        { repId: 'citra', status: 'new', createdAt: new Date('2026-11-02T03:00:00Z'), convertedDealId: null },
        { repId: null, status: 'new', createdAt: new Date('2026-11-02T03:00:00Z'), convertedDealId: null },
      ],
    });
    const south = totalsFromRows(input, november, { kind: 'team', id: 'south' });
    expect([south.won, south.activities.demo, south.activities.call]).toEqual([1, 1, 0]);
    expect([south.leadsCreated, south.leadsConverted, south.activeReps]).toEqual([2, 1, 1]);

    const java = totalsFromRows(input, november, { kind: 'territory', id: 'java' });
    expect([java.won, java.activities.call, java.leadsCreated]).toEqual([1, 1, 0]);

    const budi = totalsFromRows(input, november, { kind: 'rep', id: 'budi' });
    expect([budi.won, budi.activities.demo, budi.leadsCreated, budi.activeReps]).toEqual([1, 1, 1, 1]);

    const all = totalsFromRows(input, november, ALL);
    expect([all.won, all.leadsCreated, all.activeReps]).toEqual([2, 3, 2]);
  });

  it('fills the quota for the scope and period', () => {
    const quotas = [{ repId: 'ana', teamId: null, period: 'month' as const, periodStart: '2026-11-01', amountMinor: toMinor('5000') }];
    expect(totalsFromRows(rows({ quotas }), november, { kind: 'rep', id: 'ana' }).quotaMinor).toBe(toMinor('5000'));
    expect(totalsFromRows(rows({ quotas }), november, { kind: 'rep', id: 'budi' }).quotaMinor).toBeNull();
  });

  it('refuses a probability that is not a whole percent rather than drift', () => {
    expect(() => totalsFromRows(rows({ deals: [deal({ probability: 33.3 })] }), november, ALL)).toThrow(/probability/);
  });
});

describe('addTotals', () => {
  it('adds two disjoint scopes and keeps the quota null only when both are', () => {
    const a = {
      ...emptyTotals(),
      revenueMinor: 100n,
      won: 1,
      cycleDays: [3],
      weightedPipelineCentiMinor: 5n,
      quotaMinor: 1000n,
    };
    const b = {
      ...emptyTotals(),
      revenueMinor: 50n,
      lost: 2,
      cycleDays: [7],
      activities: { call: 1, email: 0, meeting: 0, demo: 2 },
    };
    const sum = addTotals(a, b);
    expect([sum.revenueMinor, sum.won, sum.lost, sum.quotaMinor]).toEqual([150n, 1, 2, 1000n]);
    expect(sum.cycleDays).toEqual([3, 7]);
    expect(sum.weightedPipelineCentiMinor).toBe(5n);
    expect(sum.activities).toEqual({ call: 1, email: 0, meeting: 0, demo: 2 });
    expect(addTotals(emptyTotals(), emptyTotals()).quotaMinor).toBeNull();
  });
});
