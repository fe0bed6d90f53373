/**
 * Issue #13, item 2: a rep's own deals must not take the wallboards down. Money is exact end to
 * end: deals at the per-deal bound whose total passes 2^53 minor units leave every figure
 * (snapshot, KPIs, leaderboard, CSV exports, a TV's socket) answering, and equal to PostgreSQL's
 * own sum(amount); an amount above the bound is a 400 that names the field and the bound.
 */
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { type KpisResponse, type LeaderboardRow, MAX_AMOUNT, type Snapshot } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { pairDisplay } from './support/cast.js';
import { createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';

const PASSWORD = 'a long enough password';
/** Ten deals at the bound are 10^16 minor units: past 2^53 (about 9.007 × 10^15), where number sums drift. */
const WON_AT_BOUND = 10;
const OPEN_AT_BOUND = 10;

describe('money is exact end to end', () => {
  let t: TestApp;
  let org: Org;
  let rep: ReturnType<typeof request.agent>;
  const wonIds: string[] = [];

  /** PostgreSQL's own arithmetic: the independent truth every figure must equal. */
  const sqlSum = async (kind: 'won' | 'open') =>
    (await t.db.query<{ sum: string }>(`SELECT COALESCE(sum(d.amount), 0)::numeric(30,2)::text AS sum FROM deals d JOIN stages s ON s.key = d.stage WHERE s.kind = $1`, [kind]))[0]
      .sum;
  const dealCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM deals'))[0].n);

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 1);
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: org.reps[0].id, password: PASSWORD }).expect(201);
    const login = await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: PASSWORD }).expect(200);
    rep = request.agent(t.baseUrl).set('Authorization', `Bearer ${login.body.accessToken as string}`);
  });
  afterAll(async () => t.close());

  it('refuses an amount above the bound with a 400 naming the field and the bound, and writes nothing', async () => {
    const before = await dealCount();
    for (const amount of ['50000000000000.00', '10000000000000.01', 90071992547409.92]) {
      const response = await rep.post('/api/deals').send({ name: 'PT Terlalu Besar', ownerId: org.reps[0].id, amount }).expect(400);
      expect(response.body.message).toBe(`amount: must be at most ${MAX_AMOUNT}`);
    }
    const quota = await t.api.put('/api/quotas').send({ repId: org.reps[0].id, period: 'month', periodStart: '2026-11-01', amount: '10000000000000.01' }).expect(400);
    expect(quota.body.message).toContain(`amount: must be at most ${MAX_AMOUNT}`);
    expect(await dealCount()).toBe(before);
  });

  it('keeps snapshot, KPIs, leaderboard, exports and a TV snapshot answering with totals equal to SQL sum(amount) past 2^53', async () => {
    for (let i = 0; i < WON_AT_BOUND + OPEN_AT_BOUND; i++) {
      const deal = await rep.post('/api/deals').send({ name: `PT Raksasa ${i}`, ownerId: org.reps[0].id, amount: MAX_AMOUNT }).expect(201);
      if (i < WON_AT_BOUND) {
        await rep.post(`/api/deals/${deal.body.id as string}/stage`).send({ stage: 'won' }).expect(200);
        wonIds.push(deal.body.id as string);
      }
    }
    // A cent on top: exactness, not just the absence of an error.
    const cent = await rep.post('/api/deals').send({ name: 'PT Sen', ownerId: org.reps[0].id, amount: '0.01' }).expect(201);
    await rep.post(`/api/deals/${cent.body.id as string}/stage`).send({ stage: 'won' }).expect(200);
    wonIds.push(cent.body.id as string);

    const won = await sqlSum('won');
    const open = await sqlSum('open');
    expect(won).toBe('100000000000000.01');
    expect(open).toBe('100000000000000.00');
    expect(Number(won.replace('.', ''))).toBeGreaterThan(Number.MAX_SAFE_INTEGER);

    await expectFigures(won, open);
  });

  it('brings the figures back when the amounts come down again', async () => {
    for (const id of wonIds) await rep.patch(`/api/deals/${id}`).send({ amount: '1.00' }).expect(200);
    const won = await sqlSum('won');
    expect(won).toBe(`${wonIds.length}.00`);
    await expectFigures(won, await sqlSum('open'));
  });

  /** Every surface that adds money up, for everyone who reads it: admin, the rep and a TV. */
  async function expectFigures(won: string, open: string): Promise<void> {
    // A rep reads their own figures: the same totals, the organisation having one rep.
    for (const [api, scope] of [
      [t.api, {}],
      [rep, { repId: org.reps[0].id }],
    ] as const) {
      const snapshot = (await api.get('/api/snapshot').expect(200)).body as Snapshot;
      expect(addDecimals(snapshot.pipeline.map((stage) => stage.amount))).toBe(open);
      const kpis = (await api.get('/api/kpis').query({ period: 'month', ...scope }).expect(200)).body as KpisResponse;
      expect(kpis.kpis.revenue).toBe(won);
      expect(kpis.kpis.openPipeline).toBe(open);
      expect(kpis.kpis.forecast.closed).toBe(won);
    }
    const board = (await t.api.get('/api/leaderboard').query({ metric: 'revenue', period: 'month' }).expect(200)).body as { rows: LeaderboardRow[] };
    expect(board.rows.find((row) => row.id === org.reps[0].id)?.value).toBe(won);

    const csv = (text: string) => parse(text, { bom: true }) as string[][];
    const kpisCsv = csv((await t.api.get('/api/export/kpis.csv').query({ period: 'month' }).expect(200)).text);
    const valueOf = (key: string) => kpisCsv.find((row) => row[0] === 'kpi' && row[2] === '' && row[3] === key)?.[5];
    expect([valueOf('revenue'), valueOf('openPipeline')]).toEqual([won, open]);
    const boardCsv = csv((await t.api.get('/api/export/leaderboard.csv').query({ metric: 'revenue', period: 'month' }).expect(200)).text);
    expect(boardCsv.find((row) => row[1] === org.reps[0].id)?.[3]).toBe(won);
    const dealsCsv = csv((await t.api.get('/api/export/deals.csv').expect(200)).text);
    const amountColumn = dealsCsv[0].findIndex((name) => /amount/i.test(name));
    expect(addDecimals(dealsCsv.slice(1).map((row) => row[amountColumn]))).toBe(addDecimals([won, open]));

    const tv = connectLive(t.baseUrl, { token: (await pairDisplay(t.baseUrl, t.adminToken, `TV ${won}`)).token });
    try {
      const snapshot = await tv.waitForSnapshot();
      expect(addDecimals(snapshot.pipeline.map((stage) => stage.amount))).toBe(open);
    } finally {
      tv.close();
    }
  }
});

/** Exact decimal addition in the test itself, on the digits, independent of the code under test. */
function addDecimals(amounts: readonly string[]): string {
  let cents = 0n;
  for (const amount of amounts) {
    const [whole, fraction = ''] = amount.split('.');
    cents += BigInt(`${whole}${fraction.padEnd(2, '0')}`);
  }
  const digits = cents.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
