/**
 * KPIs and leaderboards of a November worked out by hand, driven through the REST API with the
 * clock set to each moment (only Date is faked; timers stay real so the server runs as usual).
 * Times are in Asia/Jakarta (UTC+7): 03:00Z is 10:00 WIB, 16:59Z is 23:59 WIB.
 */
import { jest } from '@jest/globals';
import type { Deal, KpisResponse, LeaderboardResponse, Rep, Team } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { REAL_TIMERS } from './support/clock.js';

describe('KPIs of a hand-worked November (Asia/Jakarta)', () => {
  let t: TestApp;
  let org: Org;
  let teamB: Team;
  let rep3: Rep;
  const deals: Record<string, Deal> = {};
  const at = (iso: string) => jest.setSystemTime(new Date(iso));
  const api = () => t.keyApi;
  const move = (deal: Deal, stage: string, reopen?: boolean) =>
    api()
      .post(`/api/deals/${deal.id}/stage`)
      .send(reopen ? { stage, reopen } : { stage })
      .expect(200);
  const kpis = async (query: string) => (await api().get(`/api/kpis?${query}`).expect(200)).body as KpisResponse;
  const board = async (query: string) => (await api().get(`/api/leaderboard?${query}`).expect(200)).body as LeaderboardResponse;

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: new Date('2031-10-20T03:00:00Z') });
    t = await bootTestApp({ TZ_ORG: 'Asia/Jakarta' });
    org = await createOrg(t.keyApi, 2);
    teamB = (await api().post('/api/teams').send({ name: 'Surabaya', managerName: 'Sari' }).expect(201)).body as Team;
    rep3 = (await api().post('/api/reps').send({ name: 'Rep 3', email: 'rep3@example.co.id', teamId: teamB.id }).expect(201)).body as Rep;
    const product = (await api().post('/api/products').send({ name: 'ERP suite', listPrice: 100000000, marginPct: 25 }).expect(201)).body as { id: string };
    const [rep1, rep2] = org.reps;

    // October: G is the previous period's revenue; a meeting that November must not count.
    deals.G = await createDeal(t.keyApi, rep1.id, { amount: '60000000', stage: 'won' });
    await api().post('/api/activities').send({ type: 'meeting', repId: rep3.id, at: '2031-10-15T03:00:00Z' }).expect(201);

    at('2031-11-02T03:00:00Z');
    deals.A = await createDeal(t.keyApi, rep1.id, { amount: '100000000', stage: 'negotiation', productId: product.id, expectedCloseDate: '2031-11-30' });
    deals.B = await createDeal(t.keyApi, rep2.id, { amount: '50000000', stage: 'lead', expectedCloseDate: '2031-12-15' });
    deals.C = await createDeal(t.keyApi, rep1.id, { amount: '40000000', stage: 'proposal', forecastOverride: 'commit', expectedCloseDate: '2031-11-20' });
    deals.D = await createDeal(t.keyApi, rep2.id, { amount: '10000000', stage: 'lead' });
    deals.E = await createDeal(t.keyApi, rep1.id, { amount: '30000000', stage: 'negotiation' });
    deals.F = await createDeal(t.keyApi, rep2.id, { amount: '70000000', stage: 'negotiation' });
    deals.H = await createDeal(t.keyApi, rep3.id, { amount: '100000000', stage: 'negotiation' });
    deals.I = await createDeal(t.keyApi, rep2.id, { amount: '80000000', stage: 'negotiation' });

    at('2031-11-03T03:00:00Z');
    await api().post('/api/leads').send({ source: 'web', repId: rep1.id }).expect(201);
    await api().post('/api/leads').send({ source: 'web', repId: rep2.id, status: 'converted' }).expect(201);
    for (const day of ['04', '05', '06'])
      await api()
        .post('/api/activities')
        .send({ type: 'call', repId: rep1.id, at: `2031-11-${day}T02:00:00Z` })
        .expect(201);
    await api().post('/api/activities').send({ type: 'email', repId: rep1.id, at: '2031-11-30T16:30:00Z' }).expect(201);
    await api().put('/api/quotas').send({ repId: rep1.id, period: 'month', periodStart: '2031-11-01', amount: 200000000 }).expect(200);
    await api().put('/api/quotas').send({ repId: rep2.id, period: 'month', periodStart: '2031-11-01', amount: 100000000 }).expect(200);
    await api().put('/api/quotas').send({ teamId: teamB.id, period: 'month', periodStart: '2031-11-01', amount: 150000000 }).expect(200);

    at('2031-11-05T03:00:00Z');
    await move(deals.H, 'won');
    // A: won, reopened, won again, and its amount raised after the win.
    at('2031-11-10T03:00:00Z');
    await move(deals.A, 'won');
    at('2031-11-12T03:00:00Z');
    await move(deals.A, 'negotiation', true);
    at('2031-11-15T03:00:00Z');
    await move(deals.A, 'won');
    await api().patch(`/api/deals/${deals.A.id}`).send({ amount: '120000000' }).expect(200);
    at('2031-11-20T03:00:00Z');
    await move(deals.D, 'lost');
    at('2031-11-30T03:00:00Z');
    await move(deals.I, 'won');
    // E: won at 23:59 on the last day of the month, then handed from rep 1 to rep 2.
    at('2031-11-30T16:59:00Z');
    await move(deals.E, 'won');
    at('2031-11-30T16:59:30Z');
    await api().patch(`/api/deals/${deals.E.id}`).send({ ownerId: rep2.id }).expect(200);
    // F: won one minute later, at 00:00 on 1 December.
    at('2031-11-30T17:00:00Z');
    await move(deals.F, 'won');
    at('2031-11-30T17:00:30Z');
  });

  afterAll(async () => {
    await t.close();
    jest.useRealTimers();
  });

  it('computes every KPI of November for the organisation, to the cent', async () => {
    const body = await kpis('from=2031-11-01&to=2031-11-30');
    expect(body.period).toMatchObject({
      kind: 'custom',
      from: '2031-11-01',
      to: '2031-11-30',
      start: '2031-10-31T17:00:00.000Z',
      end: '2031-11-30T17:00:00.000Z',
      previousFrom: '2031-10-02',
      previousTo: '2031-10-31',
    });
    // Won in November: A 120 M (13 days), H 100 M (3 days), I 80 M (28 days), E 30 M (28 days 13 h 59 min). F is December's.
    const cycles = [13, 3, 28, 28 + (13 * 60 + 59) / 1440];
    const cycleSum = cycles.reduce((a, b) => a + b, 0);
    expect(body.kpis).toEqual({
      revenue: '330000000.00',
      quota: '450000000.00', // rep 1 200 M + rep 2 100 M (team A has no team quota) + team B's own 150 M
      attainment: 330 / 450,
      growth: (330 - 60) / 60,
      incremental: '270000000.00',
      won: 4,
      lost: 1,
      winRate: 0.8,
      avgDealSize: '82500000.00',
      cycleDays: expect.closeTo(cycleSum / 4, 9),
      cycleDaysMedian: 20.5,
      openPipeline: '90000000.00', // B 50 M + C 40 M
      weightedPipeline: '29000000.00', // 10 % of B + 60 % of C
      coverage: 40 / 120, // C closes in November; 450 − 330 still to reach
      velocity: ((v: number) => `${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`)(Math.round((2 * 33_000_000_000 * 4) / (5 * cycleSum))),
      forecast: { closed: '330000000.00', commit: '370000000.00', bestCase: '370000000.00', weighted: '354000000.00', runRate: '330000000.00' },
      returnOnSales: 0.25, // only A has a product, at 25 %
      returnOnSalesRevenueShare: 120 / 330, // A's 120 M of the 330 M won
      leadConversion: 0.5,
      activities: { call: 3, email: 1, meeting: 0, demo: 0, total: 4, perRepPerDay: 4 / (3 * 20) },
    });
    // The cohort: the eight deals created in November (not G) at the furthest stage each reached by
    // now. B lead; D lost from lead; C proposal; A, E, H and I won, and F won since (in December).
    expect(body.funnel.map(({ stage, reached, progressed }) => [stage, reached, progressed])).toEqual([
      ['lead', 8, 6 / 8],
      ['qualified', 6, 1],
      ['demo', 6, 1],
      ['proposal', 6, 5 / 6],
      ['negotiation', 5, 1],
    ]);
    expect(body.stuck).toMatchObject({ count: 2, amount: '90000000.00' });
    expect(body.stuck.deals.map((d) => d.id).sort()).toEqual([deals.B.id, deals.C.id].sort());
    expect(body.breakdowns.teams.map((row) => [row.name, row.kpis.revenue])).toEqual([
      ['Jakarta Raya', '230000000.00'],
      ['Surabaya', '100000000.00'],
    ]);
  });

  it('counts the deal won at 23:59 on 30 November in November, and the one a minute later in December', async () => {
    const november = await kpis('from=2031-11-30&to=2031-11-30');
    expect(november.kpis).toMatchObject({ revenue: '110000000.00', won: 2 }); // I and E
    const december = await kpis('period=month');
    // A minute into December, it is set against 1 November alone (nothing won), not all of November's 330 M.
    expect(december.period).toMatchObject({ from: '2031-12-01', to: '2031-12-31', previousFrom: '2031-11-01', previousTo: '2031-11-01' });
    expect(december.period).toMatchObject({ lastYearFrom: '2030-12-01', lastYearTo: '2030-12-01' });
    expect(december.kpis).toMatchObject({ revenue: '70000000.00', won: 1, incremental: '70000000.00', growth: null });
  });

  it('follows the deal moved between reps, and the won amount changed after the win', async () => {
    const rep1 = await kpis(`from=2031-11-01&to=2031-11-30&repId=${org.reps[0].id}`);
    expect(rep1.kpis).toMatchObject({ revenue: '120000000.00', won: 1, quota: '200000000.00', attainment: 0.6, openPipeline: '40000000.00' });
    const rep2 = await kpis(`from=2031-11-01&to=2031-11-30&repId=${org.reps[1].id}`);
    expect(rep2.kpis).toMatchObject({ revenue: '110000000.00', won: 2, lost: 1, winRate: 2 / 3 });
    const team = await kpis(`from=2031-11-01&to=2031-11-30&teamId=${org.team.id}`);
    expect(team.scope).toEqual({ kind: 'team', id: org.team.id, name: 'Jakarta Raya' });
    expect(team.breakdowns.reps.map((row) => [row.name, row.kpis.revenue])).toEqual([
      ['Rep 1', '120000000.00'],
      ['Rep 2', '110000000.00'],
    ]);
    const territory = await kpis(`from=2031-11-01&to=2031-11-30&territoryId=${org.territory.id}`);
    expect(territory.kpis.revenue).toBe('230000000.00'); // rep 3 has no territory
  });

  it('ranks reps and teams with ties sharing a rank, and movement only by a rep’s own results since the start of the day', async () => {
    const november = await board('metric=revenue&from=2031-11-01&to=2031-11-30');
    expect(november.rows.map(({ rank, name, value }) => [rank, name, value])).toEqual([
      [1, 'Rep 1', '120000000.00'],
      [2, 'Rep 2', '110000000.00'],
      [3, 'Rep 3', '100000000.00'],
    ]);
    const won = await board('metric=won&from=2031-11-01&to=2031-11-30');
    expect(won.rows.map(({ rank, name, value }) => [rank, name, value])).toEqual([
      [1, 'Rep 2', 2],
      [2, 'Rep 1', 1], // tied with rep 3 on 1: one rank, listed by name
      [2, 'Rep 3', 1],
    ]);
    const teams = await board('metric=attainment&entity=teams&from=2031-11-01&to=2031-11-30');
    expect(teams.scope).toBe('teams');
    expect(teams.rows.map(({ name, value }) => [name, value])).toEqual([
      ['Jakarta Raya', 230 / 300],
      ['Surabaya', 100 / 150],
    ]);

    // 3 December, 10:00 WIB: rep 3 wins 200 M. At the start of the day rep 2 led December with F.
    at('2031-12-03T03:00:00Z');
    await move(await createDeal(t.keyApi, rep3.id, { amount: '200000000', stage: 'negotiation' }), 'won');
    const december = await board('metric=revenue&period=month');
    expect(december.rows.map(({ rank, name, value, movement }) => [rank, name, value, movement])).toEqual([
      [1, 'Rep 3', '200000000.00', null], // nothing at the start of the day: new on the board, not "up 2"
      [2, 'Rep 2', '70000000.00', 0], // passed, but by someone else's win: no drop
      [null, 'Rep 1', '0.00', null], // nothing yet this month: not ranked, rather than "3rd, down 1"
    ]);
    // Rep 2 then wins 150 M and retakes the lead: rep 2 led at the start of the day (no place gained), rep 3 is 2nd without a drop.
    await move(await createDeal(t.keyApi, org.reps[1].id, { amount: '150000000', stage: 'negotiation' }), 'won');
    const later = await board('metric=revenue&period=month');
    expect(later.rows.map(({ rank, name, movement }) => [rank, name, movement])).toEqual([
      [1, 'Rep 2', 0],
      [2, 'Rep 3', null],
      [null, 'Rep 1', null],
    ]);
    const teamBoard = await board(`metric=revenue&period=month&teamId=${org.team.id}`);
    expect(teamBoard.rows.map((row) => row.name)).toEqual(['Rep 2', 'Rep 1']);
  });

  it('agrees with aggregates rebuilt from the database', async () => {
    const check = (await api().get('/api/kpis/check').expect(200)).body;
    expect(check).toMatchObject({ ok: true, differences: [] });
  });

  it('answers bad queries with 400 naming the parameter', async () => {
    const message = async (query: string, path = 'kpis') => ((await api().get(`/api/${path}?${query}`).expect(400)).body as { message: string }).message;
    expect(await message('period=fortnight')).toBe('period: "fortnight" is not one of today, week, month, quarter, year, custom');
    expect(await message('metric=profit', 'leaderboard')).toBe('metric: "profit" is not one of revenue, won, attainment, activities, winRate');
    expect(await message('entity=regions', 'leaderboard')).toMatch(/^entity: "regions" is not one of reps, teams/);
    expect(await message('from=2031-11-30&to=2031-11-01')).toBe('from: must not be after to (2031-11-01)');
    expect(await message('from=2031-11-01')).toBe('to: is required for a custom period');
    expect(await message('period=month&from=2031-11-01&to=2031-11-02')).toMatch(/^period: from and to make a custom period/);
    expect(await message('from=2031-02-30&to=2031-03-01')).toMatch(/^from: /);
    expect(await message('teamId=3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f')).toBe('teamId: no team with id 3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f');
    expect(await message('repId=3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f')).toBe('repId: no rep with id 3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f');
    expect(await message('territoryId=3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f', 'leaderboard')).toBe(
      'territoryId: no territory with id 3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f',
    );
    expect(await message('teamId=banana')).toBe('teamId: must be a UUID');
    expect(await message(`teamId=${org.team.id}&repId=${org.reps[0].id}`)).toBe(
      'repId: give at most one of teamId, territoryId and repId (got teamId and repId)',
    );
    expect(await message(`entity=teams&teamId=${org.team.id}`, 'leaderboard')).toMatch(/^teamId: teams are ranked across the whole organisation/);
    expect(await message('colour=red')).toBe('colour: is not a known field');
  });

  it('documents both endpoints and their parameters in OpenAPI', async () => {
    const document = (await api().get('/api/docs-json').expect(200)).body as { paths: Record<string, { get: { parameters: { name: string }[] } }> };
    expect(document.paths['/api/kpis'].get.parameters.map((p) => p.name).sort()).toEqual(['from', 'period', 'repId', 'teamId', 'territoryId', 'to']);
    expect(document.paths['/api/leaderboard'].get.parameters.map((p) => p.name).sort()).toEqual([
      'entity',
      'from',
      'metric',
      'period',
      'teamId',
      'territoryId',
      'to',
    ]);
  });
});
