/**
 * Issue #14 item 2: figures are pushed, not pulled. A screen loads GET /api/kpis once, then
 * applies the `kpi.updated` its subscription brings; what it holds must then be what a fresh
 * GET /api/kpis answers, funnel, breakdowns and stuck deals included, without asking again.
 */
import { applyKpiUpdate, type KpisResponse, LIVE_PERIODS, type LiveEvent, type LiveFigures, startLiveFigures, type Team } from '@salesboard/shared';
import { DataSource } from 'typeorm';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

/** What moves with the clock rather than with events (a share of the period elapsed, a run rate from it), and the answer's own stamps. */
const CLOCK_FIELDS = new Set(['asOf', 'seq', 'elapsedShare', 'runRate']);

function withoutClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClock);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !CLOCK_FIELDS.has(key))
      .map(([key, inner]) => [key, withoutClock(inner)]),
  );
}

describe('figures pushed over the socket equal a fresh GET /api/kpis', () => {
  let t: TestApp;
  let org: Org;
  let otherTeam: Team;
  const clients: RecordingClient[] = [];

  /** A screen: subscribed first, then its first GET per live period, then every update applied in arrival order. */
  async function openScreen(scope: { teamId?: string }) {
    const client = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(client);
    await client.waitForSnapshot();
    expect(await client.socket.timeout(5000).emitWithAck('subscribe', scope)).toEqual({ ok: true });
    const held = new Map<string, LiveFigures>();
    for (const period of LIVE_PERIODS) {
      const first = (
        await t.keyApi
          .get('/api/kpis')
          .query({ period, ...scope })
          .expect(200)
      ).body as KpisResponse;
      held.set(period, startLiveFigures(first));
    }
    let applied = 0;
    /** Applies what arrived since the last call. */
    const catchUp = () => {
      for (const event of client.events.slice(applied)) apply(event);
      applied = client.events.length;
    };
    const apply = (event: LiveEvent) => {
      if (event.type !== 'kpi.updated') return;
      const current = held.get(event.payload.period);
      if (current) held.set(event.payload.period, applyKpiUpdate(current, event.payload, event.seq));
      // As the client's figures store: stuck deals come with one period and are every period's.
      const stuck = event.payload.parts?.stuck;
      if (stuck)
        for (const [period, figures] of held)
          if (period !== event.payload.period)
            held.set(period, applyKpiUpdate(figures, { period, scope: event.payload.scope, changed: {}, parts: { stuck } }, event.seq));
    };
    return { held, catchUp };
  }

  /** Waits until the screen's figures for every live period equal a fresh GET's, and returns both for the assertion. */
  async function settle(screen: Awaited<ReturnType<typeof openScreen>>, scope: { teamId?: string }) {
    const fresh = new Map<string, unknown>();
    for (const period of LIVE_PERIODS)
      fresh.set(
        period,
        withoutClock(
          (
            await t.keyApi
              .get('/api/kpis')
              .query({ period, ...scope })
              .expect(200)
          ).body,
        ),
      );
    const held = () => new Map(LIVE_PERIODS.map((period) => [period, withoutClock(screen.held.get(period)!.figures)]));
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      screen.catchUp();
      if (JSON.stringify([...held()]) === JSON.stringify([...fresh])) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { held: Object.fromEntries(held()), fresh: Object.fromEntries(fresh) };
  }

  /** Deals created, moved through stages, won and lost; an activity logged: KPIs, funnel and breakdowns all move. */
  async function changeDeals(ownerId: string) {
    // A stuck deal moves on: the stuck list changes, pushed with one period and held by every period.
    const stale = staleDeals.shift();
    if (stale) await t.keyApi.post(`/api/deals/${stale}/stage`).send({ stage: 'demo' }).expect(200);
    const first = await createDeal(t.keyApi, ownerId, { amount: '120000000', stage: 'qualified' });
    const second = await createDeal(t.keyApi, ownerId, { amount: '80000000' });
    await t.keyApi.post(`/api/deals/${second.id}/stage`).send({ stage: 'proposal' }).expect(200);
    await t.keyApi.post(`/api/deals/${first.id}/stage`).send({ stage: 'won' }).expect(200);
    await t.keyApi.post(`/api/deals/${second.id}/stage`).send({ stage: 'lost' }).expect(200);
    await t.keyApi.post('/api/activities').send({ repId: ownerId, type: 'call', dealId: first.id }).expect(201);
  }

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.keyApi, 2);
    otherTeam = (await t.keyApi.post('/api/teams').send({ name: 'Surabaya' }).expect(201)).body as Team;
    await t.keyApi.post('/api/reps').send({ name: 'Rep B', email: 'repb@example.co.id', teamId: otherTeam.id }).expect(201);
    await createDeal(t.keyApi, org.reps[1].id, { amount: '50000000', stage: 'proposal' });
    // Two deals in the stage for 60 days (the clock, not an event): stuck deals for the screens to lose.
    for (const owner of [org.reps[0].id, org.reps[1].id]) {
      const stale = await createDeal(t.keyApi, owner, { amount: '30000000', stage: 'qualified' });
      staleDeals.push(stale.id);
      await t.app.get(DataSource).query(`UPDATE deals SET stage_entered_at = now() - interval '60 days' WHERE id = $1`, [stale.id]);
    }
  });
  const staleDeals: string[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => t.close());

  it("keeps a team's figures for every live period equal to a fresh GET, funnel and breakdowns included, from pushes alone", async () => {
    const scope = { teamId: org.team.id };
    const screen = await openScreen(scope);
    await changeDeals(org.reps[0].id);
    const { held, fresh } = await settle(screen, scope);
    expect(held).toEqual(fresh);
    // The changes did reach the screen by push: its month shows the win and the funnel's stages.
    expect((fresh.month as KpisResponse).kpis).toMatchObject({ revenue: '120000000.00', won: 1, lost: 1 });
    expect((held.month as KpisResponse).funnel.some((stage) => stage.reached > 0)).toBe(true);
  });

  it("keeps the organisation's figures equal to a fresh GET, its team and territory breakdowns included", async () => {
    const screen = await openScreen({});
    await changeDeals(org.reps[1].id);
    const { held, fresh } = await settle(screen, {});
    expect(held).toEqual(fresh);
    expect((held.month as KpisResponse).breakdowns.teams.map((row) => row.name)).toEqual(['Jakarta Raya', 'Surabaya']);
  });
});
