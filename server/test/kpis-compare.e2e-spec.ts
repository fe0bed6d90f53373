/**
 * Like-for-like comparisons: a period under way is set against the same elapsed span of the
 * previous one, not the whole of it. Deals are won across November and December (and the
 * December before) with the clock set to each moment; growth is then checked against a plain SQL
 * sum over the span PostgreSQL works out on its own calendar, in Asia/Jakarta.
 */
import { jest } from '@jest/globals';
import type { KpisResponse } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { REAL_TIMERS } from './support/clock.js';

const ZONE = 'Asia/Jakarta';

/** Revenue won in [first + 0, first + days) local days, with the span itself as PostgreSQL reckons it. */
const SPAN_REVENUE_SQL = `
  SELECT COALESCE(sum(d.amount), 0)::numeric::text AS revenue
    FROM deals d JOIN stages s ON s.key = d.stage
   WHERE s.kind = 'won'
     AND d.closed_at >= ($1::date)::timestamp AT TIME ZONE $3
     AND d.closed_at < ($1::date + $2::int)::timestamp AT TIME ZONE $3`;

describe('like-for-like comparisons (Asia/Jakarta)', () => {
  let t: TestApp;
  let org: Org;
  const at = (iso: string) => jest.setSystemTime(new Date(iso));
  const api = () => t.keyApi;
  const kpis = async (query: string) => (await api().get(`/api/kpis?${query}`).expect(200)).body as KpisResponse;
  const winAt = async (iso: string, amount: string) => {
    at(iso);
    const deal = await createDeal(api(), org.reps[0].id, { amount, stage: 'negotiation' });
    await api().post(`/api/deals/${deal.id}/stage`).send({ stage: 'won' }).expect(200);
  };
  /** Revenue of `days` local days from `first`, by SQL alone. */
  const sqlRevenue = async (first: string, days: number) => {
    const [row] = await t.db.query<{ revenue: string }>(SPAN_REVENUE_SQL, [first, days, ZONE]);
    return Number(row.revenue);
  };

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: new Date('2030-12-03T03:00:00Z') });
    t = await bootTestApp({ TZ_ORG: ZONE });
    org = await createOrg(api(), 1);
    await winAt('2030-12-03T03:00:00Z', '5000000'); // last December, within its first 7 days
    await winAt('2030-12-20T03:00:00Z', '9000000'); // last December, after them
    await winAt('2031-11-02T03:00:00Z', '10000000'); // 2 November: within 1–7 November
    await winAt('2031-11-07T16:59:00Z', '20000000'); // 7 November 23:59 WIB: still within
    await winAt('2031-11-07T17:00:00Z', '40000000'); // 8 November 00:00 WIB: not
    await winAt('2031-11-25T03:00:00Z', '80000000'); // late November: not
    await winAt('2031-12-02T03:00:00Z', '45000000'); // this December
    at('2031-12-07T03:00:00Z'); // Sunday 7 December, 10:00 WIB
  });

  afterAll(async () => {
    await t.close();
    jest.useRealTimers();
  });

  it('sets 1–7 December against 1–7 November, and growth is what SQL sums over that span', async () => {
    const month = await kpis('period=month');
    expect(month.period).toMatchObject({ from: '2031-12-01', previousFrom: '2031-11-01', previousTo: '2031-11-07', lastYearFrom: '2030-12-01', lastYearTo: '2030-12-07' });
    const [{ first, days }] = await t.db.query<{ first: string; days: number }>(
      `SELECT (date_trunc('month', today) - interval '1 month')::date::text AS first, (today - date_trunc('month', today)::date + 1) AS days
         FROM (SELECT ($1::timestamptz AT TIME ZONE $2)::date AS today) t`,
      [new Date(), ZONE],
    );
    const previous = await sqlRevenue(first, days);
    const revenue = await sqlRevenue('2031-12-01', days);
    expect(previous).toBe(30_000_000);
    expect(Number(month.kpis.revenue)).toBe(revenue);
    expect(month.kpis.growth).toBeCloseTo((revenue - previous) / previous, 12);
    expect(Number(month.kpis.incremental)).toBe(revenue - previous);
  });

  it('answers the compared spans as ranges of their own: the previous period so far and the same days a year before', async () => {
    const month = await kpis('period=month');
    const previous = await kpis(`from=${month.period.previousFrom}&to=${month.period.previousTo}`);
    expect(Number(previous.kpis.revenue)).toBe(await sqlRevenue('2031-11-01', 7));
    const lastYear = await kpis(`from=${month.period.lastYearFrom}&to=${month.period.lastYearTo}`);
    expect(Number(lastYear.kpis.revenue)).toBe(await sqlRevenue('2030-12-01', 7));
    expect(lastYear.kpis.revenue).toBe('5000000.00');
  });

  it('compares a custom range that is over with the whole equal span before it', async () => {
    const november = await kpis('from=2031-11-01&to=2031-11-30');
    expect(november.period).toMatchObject({ previousFrom: '2031-10-02', previousTo: '2031-10-31' });
    expect(november.kpis.incremental).toBe('150000000.00');
  });
});
