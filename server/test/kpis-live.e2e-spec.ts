/** `kpi.updated` and `leaderboard.updated` on the socket: only to the scopes that changed, coalesced, with only what changed. */
import type { LeaderboardResponse, LiveEvent, Rep, Team } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

type Derived<T extends 'kpi.updated' | 'leaderboard.updated'> = Extract<LiveEvent, { type: T }>;

describe('live KPI and leaderboard updates', () => {
  let t: TestApp;
  let org: Org;
  let teamB: Team;
  let repB: Rep;
  const clients: RecordingClient[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const kpiUpdates = (client: RecordingClient, scope?: string) =>
    client.events.filter((e): e is Derived<'kpi.updated'> => e.type === 'kpi.updated' && (scope === undefined || e.payload.scope === scope));
  const boardUpdates = (client: RecordingClient) => client.events.filter((e): e is Derived<'leaderboard.updated'> => e.type === 'leaderboard.updated');

  const subscribed = async (scope: Record<string, string | string[]>) => {
    const client = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(client);
    await client.waitForSnapshot();
    expect(await client.socket.timeout(5000).emitWithAck('subscribe', scope)).toEqual({ ok: true });
    return client;
  };

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.keyApi, 2);
    teamB = (await t.keyApi.post('/api/teams').send({ name: 'Surabaya' }).expect(201)).body as Team;
    repB = (await t.keyApi.post('/api/reps').send({ name: 'Rep B', email: 'repb@example.co.id', teamId: teamB.id }).expect(201)).body as Rep;
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => t.close());

  it('sends a win to the team that won it and to the organisation, not to another team', async () => {
    // Each shows its team's revenue board of the month, as a team's dashboard does.
    const teamA = await subscribed({ teamId: org.team.id, boards: [`revenue|month|team:${org.team.id}`] });
    const other = await subscribed({ teamId: teamB.id, boards: [`revenue|month|team:${teamB.id}`] });
    const wallboard = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(wallboard);
    await wallboard.waitForSnapshot();
    const deal = await createDeal(t.keyApi, org.reps[0].id, { amount: '125000000', stage: 'negotiation' });
    await sleep(400);
    const before = { teamA: teamA.events.length, other: other.events.length, wallboard: wallboard.events.length };

    await t.keyApi.post(`/api/deals/${deal.id}/stage`).send({ stage: 'won' }).expect(200);

    const update = (await teamA.waitForEvent(
      (e) => e.type === 'kpi.updated' && e.payload.period === 'month' && 'revenue' in e.payload.changed,
    )) as Derived<'kpi.updated'>;
    expect(update.payload.scope).toBe(`team:${org.team.id}`);
    expect(update.payload.changed).toMatchObject({ revenue: '125000000.00', won: 1 });
    expect(update.payload.changed).not.toHaveProperty('quota'); // unchanged, so not sent
    const teamBoard = (await teamA.waitForEvent(
      (e) => e.type === 'leaderboard.updated' && e.payload.scope === `team:${org.team.id}`,
    )) as Derived<'leaderboard.updated'>;
    expect(teamBoard.payload).toMatchObject({
      metric: 'revenue',
      period: 'month',
      // The teammate with nothing yet this month is listed, unranked.
      rows: [
        { rank: 1, id: org.reps[0].id, value: '125000000.00' },
        { rank: null, id: org.reps[1].id, value: '0.00', movement: null },
      ],
    });
    // What the socket pushed is what REST answers for the same board.
    const rest = (await t.keyApi.get(`/api/leaderboard?metric=revenue&period=month&teamId=${org.team.id}`).expect(200)).body as LeaderboardResponse;
    expect(teamBoard.payload.rows).toEqual(rest.rows);
    const orgBoard = (await wallboard.waitForEvent(
      (e) => e.type === 'leaderboard.updated' && e.payload.rows[0]?.value === '125000000.00',
    )) as Derived<'leaderboard.updated'>;
    expect(orgBoard.payload).toMatchObject({ metric: 'revenue', period: 'month', scope: 'all' });
    expect(orgBoard.seq).toBe(update.seq);

    await sleep(600);
    expect(kpiUpdates(other).length).toBe(0);
    expect(other.events.slice(before.other).some((e) => e.type === 'leaderboard.updated' && e.payload.scope === `team:${teamB.id}`)).toBe(false);
    // The wallboard subscribed to nothing: the organisation's boards, but no KPIs.
    expect(kpiUpdates(wallboard).length).toBe(0);
    // Only boards some screen shows: here the wallboard's own (revenue of the month), which every
    // caught-up socket gets; the win moved won and win-rate boards too, which nobody shows.
    const afterWin = boardUpdates(wallboard).filter((e) => e.seq >= update.seq);
    expect(afterWin.map((e) => `${e.payload.metric}|${e.payload.period}|${e.payload.scope}`)).toEqual(['revenue|month|all']);
    expect(
      boardUpdates(teamA)
        .filter((e) => e.seq >= update.seq && e.payload.scope !== 'all')
        .map((e) => `${e.payload.metric}|${e.payload.period}`),
    ).toEqual(['revenue|month']);
    expect(before.teamA).toBeLessThan(teamA.events.length);
  });

  it('coalesces a burst to at most 4 updates a second per scope, each carrying only the fields that changed', async () => {
    const rep = await subscribed({ repId: org.reps[1].id });
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, () => t.keyApi.post('/api/activities').send({ type: 'call', repId: org.reps[1].id }).expect(201)));
    await rep.waitForEvent(
      (e) => e.type === 'kpi.updated' && e.payload.period === 'today' && (e.payload.changed.activities as { call: number } | undefined)?.call === 30,
    );
    const elapsed = Date.now() - started;
    // Updates of the KPIs themselves; the funnel and stuck deals follow in updates of their own (`parts`).
    const today = kpiUpdates(rep, `rep:${org.reps[1].id}`).filter((e) => e.payload.period === 'today' && Object.keys(e.payload.changed).length > 0);
    expect(today.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1);
    for (const update of today) expect(Object.keys(update.payload.changed)).toEqual(['activities']);
  });

  it('lets a socket change its scope, and sends the organisation its KPIs when it subscribes to {}', async () => {
    const client = await subscribed({ teamId: teamB.id });
    expect(await client.socket.timeout(5000).emitWithAck('subscribe', {})).toEqual({ ok: true });
    const deal = await createDeal(t.keyApi, repB.id, { amount: '5000000', stage: 'won' });
    const update = (await client.waitForEvent((e) => e.type === 'kpi.updated' && e.payload.period === 'month')) as Derived<'kpi.updated'>;
    expect(update.payload.scope).toBe('all');
    expect(deal.stage).toBe('won');
    await sleep(400);
    expect(kpiUpdates(client, `team:${teamB.id}`)).toHaveLength(0);
  });

  it('pushes the boards a socket shows, of the organisation or of its own scope, and no board of a team it did not subscribe to', async () => {
    const shows = ['won|quarter|all', 'revenue|year|teams', `revenue|month|team:${teamB.id}`];
    const client = await subscribed({ repId: org.reps[1].id, boards: shows });
    await createDeal(t.keyApi, repB.id, { amount: '7000000', stage: 'won' });
    const wonBoard = (await client.waitForEvent((e) => e.type === 'leaderboard.updated' && e.payload.metric === 'won')) as Derived<'leaderboard.updated'>;
    expect(wonBoard.payload).toMatchObject({ period: 'quarter', scope: 'all' });
    expect(wonBoard.payload.rows.find((row) => row.id === repB.id)?.value).toBeGreaterThanOrEqual(1);
    await client.waitForEvent((e) => e.type === 'leaderboard.updated' && e.payload.scope === 'teams' && e.payload.period === 'year');
    await sleep(400);
    // team B's board: asked for, but the socket follows a rep of team A, so it is not joined.
    const keys = new Set(boardUpdates(client).map((e) => `${e.payload.metric}|${e.payload.period}|${e.payload.scope}`));
    expect([...keys].sort()).toEqual(['revenue|month|all', 'revenue|year|teams', 'won|quarter|all']);
  });

  it('sends the KPIs of the live periods a socket shows, and all five to one that names none', async () => {
    const monthOnly = await subscribed({ teamId: teamB.id, periods: ['month'] });
    const everyPeriod = await subscribed({ teamId: teamB.id });
    await createDeal(t.keyApi, repB.id, { amount: '3000000', stage: 'won' });
    await everyPeriod.waitForEvent((e) => e.type === 'kpi.updated' && e.payload.period === 'year' && 'revenue' in e.payload.changed);
    await monthOnly.waitForEvent((e) => e.type === 'kpi.updated' && e.payload.period === 'month' && 'revenue' in e.payload.changed);
    await sleep(300);
    // Both sit in the team's room, which gets every period either socket shows: the union.
    expect(new Set(kpiUpdates(monthOnly).map((e) => e.payload.period))).toEqual(new Set(['month', 'today', 'week', 'quarter', 'year']));
    everyPeriod.close();
    await sleep(100);
    const before = kpiUpdates(monthOnly).length;
    await createDeal(t.keyApi, repB.id, { amount: '4000000', stage: 'won' });
    for (const started = Date.now(); kpiUpdates(monthOnly).length === before && Date.now() - started < 5000;) await sleep(20);
    await sleep(400);
    expect(kpiUpdates(monthOnly).length).toBeGreaterThan(before);
    // Alone now: only its month is computed and sent.
    expect(
      new Set(
        kpiUpdates(monthOnly)
          .slice(before)
          .map((e) => e.payload.period),
      ),
    ).toEqual(new Set(['month']));
  });

  it('refuses a board key it cannot read, naming the field', async () => {
    const client = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(client);
    await client.waitForSnapshot();
    for (const boards of [['revenue|fortnight|all'], ['profit|month|all'], [`revenue|month|rep:${repB.id}`], ['revenue|month']]) {
      const answer = (await client.socket.timeout(5000).emitWithAck('subscribe', { boards })) as { ok: boolean; error?: string };
      expect(answer.ok).toBe(false);
      expect(answer.error).toMatch(/boards\.0/);
    }
  });
});
