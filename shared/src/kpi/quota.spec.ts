import { quotaForScope, quotaShareMinor } from './quota.js';
import type { QuotaRow, RepRow } from './rows.js';
import { toMinor } from '../money.js';

const november = { fromDate: '2026-11-01', toDate: '2026-11-30' };
const monthQuota = (owner: Partial<QuotaRow>, periodStart: string, amount: string): QuotaRow => ({
  repId: null,
  teamId: null,
  period: 'month',
  periodStart,
  amountMinor: toMinor(amount),
  ...owner,
});

const reps: RepRow[] = [
  { id: 'ana', teamId: 'north', territoryId: 'java', active: true },
  { id: 'budi', teamId: 'north', territoryId: 'bali', active: true },
  { id: 'citra', teamId: 'south', territoryId: 'java', active: true },
  { id: 'dewi', teamId: null, territoryId: 'java', active: true },
];

describe('quotaShareMinor', () => {
  it('gives a period the whole of a quota that lies inside it', () => {
    expect(quotaShareMinor(monthQuota({ repId: 'ana' }, '2026-11-01', '3000000'), november)).toBe(toMinor('3000000'));
  });

  it('pro-rates a month quota by days for a week: 7 of 30 days of 3 000 000 is 700 000', () => {
    const week = { fromDate: '2026-11-23', toDate: '2026-11-29' };
    expect(quotaShareMinor(monthQuota({ repId: 'ana' }, '2026-11-01', '3000000'), week)).toBe(toMinor('700000'));
  });

  it('pro-rates a quarter quota for one of its months by days (November is 30 of 92)', () => {
    const quarterQuota: QuotaRow = {
      repId: 'ana',
      teamId: null,
      period: 'quarter',
      periodStart: '2026-10-01',
      amountMinor: toMinor('9200'),
    };
    expect(quotaShareMinor(quarterQuota, november)).toBe(toMinor('3000'));
  });

  it('rounds a pro-rated share half up to the minor unit', () => {
    const quota = monthQuota({ repId: 'ana' }, '2026-11-01', '10.00');
    expect(quotaShareMinor(quota, { fromDate: '2026-11-01', toDate: '2026-11-01' })).toBe(33n); // 33.33…
    expect(quotaShareMinor(quota, { fromDate: '2026-11-01', toDate: '2026-11-02' })).toBe(67n); // 66.66…
    expect(quotaShareMinor({ ...quota, amountMinor: 60n }, { fromDate: '2026-11-01', toDate: '2026-11-04' })).toBe(8n); // 8.0
    expect(quotaShareMinor({ ...quota, amountMinor: 15n }, { fromDate: '2026-11-01', toDate: '2026-11-01' })).toBe(1n); // 0.5 → 1
  });

  it('gives nothing to a period the quota does not touch', () => {
    expect(quotaShareMinor(monthQuota({ repId: 'ana' }, '2026-12-01', '100'), november)).toBeNull();
  });
});

describe('quotaForScope', () => {
  const quotas = [
    monthQuota({ repId: 'ana' }, '2026-11-01', '100'),
    monthQuota({ repId: 'budi' }, '2026-11-01', '200'),
    monthQuota({ repId: 'citra' }, '2026-11-01', '400'),
    monthQuota({ repId: 'dewi' }, '2026-11-01', '800'),
    monthQuota({ teamId: 'south' }, '2026-11-01', '1000'),
  ];

  it('sums a rep’s quotas, and a territory’s reps’ quotas', () => {
    expect(quotaForScope(quotas, reps, { kind: 'rep', id: 'budi' }, november)).toBe(toMinor('200'));
    expect(quotaForScope(quotas, reps, { kind: 'territory', id: 'java' }, november)).toBe(toMinor('1300'));
  });

  it('uses a team’s own quota when it has one, else the sum of its reps’', () => {
    expect(quotaForScope(quotas, reps, { kind: 'team', id: 'south' }, november)).toBe(toMinor('1000'));
    expect(quotaForScope(quotas, reps, { kind: 'team', id: 'north' }, november)).toBe(toMinor('300'));
  });

  it('adds up teams and reps without a team for the whole organisation', () => {
    expect(quotaForScope(quotas, reps, { kind: 'all' }, november)).toBe(toMinor('2100'));
  });

  it('sums the three month quotas of a quarter', () => {
    const months = ['2026-10-01', '2026-11-01', '2026-12-01'].map((start) => monthQuota({ repId: 'ana' }, start, '100'));
    expect(quotaForScope(months, reps, { kind: 'rep', id: 'ana' }, { fromDate: '2026-10-01', toDate: '2026-12-31' })).toBe(toMinor('300'));
  });

  it('is null when no quota is set for the period', () => {
    expect(quotaForScope(quotas, reps, { kind: 'rep', id: 'ana' }, { fromDate: '2026-12-01', toDate: '2026-12-31' })).toBeNull();
    expect(quotaForScope([], reps, { kind: 'all' }, november)).toBeNull();
  });
});
