/**
 * The access rules on the live stream: what each role's socket receives, which scopes it may
 * follow, and the same rule for KPIs over REST. Real logins, real sockets, real PostgreSQL.
 */
import request from 'supertest';
import { type Deal, HIDDEN_EVENT_TYPE, isSequencedEvent, type LiveEvent, type Rep, type ResyncResult, type Team } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

const PASSWORD = 'a long enough password';

describe('who receives what on the live stream', () => {
  let t: TestApp;
  let org: Org;
  let otherTeam: Team;
  let otherTeamRep: Rep;
  const tokens: Record<'manager' | 'ayu' | 'budi' | 'otherManager', string> = { manager: '', ayu: '', budi: '', otherManager: '' };
  const clients: RecordingClient[] = [];

  const login = async (email: string) =>
    (await request(t.baseUrl).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
  const live = async (token: string) => {
    const client = connectLive(t.baseUrl, { token });
    clients.push(client);
    // Caught up (in the broadcast rooms) once the head that ends the catch-up arrives.
    await new Promise<void>((resolve) => client.socket.once('head', () => resolve()));
    expect(client.snapshots).toHaveLength(1);
    return client;
  };
  const sequenced = (client: RecordingClient) => client.events.filter(isSequencedEvent);
  const subscribe = (client: RecordingClient, scope: object) =>
    new Promise<{ ok: boolean; error?: string }>((resolve) => client.socket.emit('subscribe', scope as never, (ack) => resolve(ack)));

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 2); // Rep 1 (Ayu's record) and Rep 2 (Budi's), one team
    otherTeam = (await t.api.post('/api/teams').send({ name: 'Sumatera' }).expect(201)).body as Team;
    otherTeamRep = (await t.api.post('/api/reps').send({ name: 'Siti', email: 'siti@example.co.id', teamId: otherTeam.id }).expect(201)).body as Rep;
    const users = [
      { email: 'hendra@example.co.id', name: 'Hendra', role: 'manager', teamIds: [org.team.id] },
      { email: 'rina@example.co.id', name: 'Rina', role: 'manager', teamIds: [otherTeam.id] },
      { email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: org.reps[0].id },
      { email: 'budi@example.co.id', name: 'Budi', role: 'rep', repId: org.reps[1].id },
    ];
    for (const user of users)
      await t.api
        .post('/api/users')
        .send({ ...user, password: PASSWORD })
        .expect(201);
    tokens.manager = await login('hendra@example.co.id');
    tokens.otherManager = await login('rina@example.co.id');
    tokens.ayu = await login('ayu@example.co.id');
    tokens.budi = await login('budi@example.co.id');
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => t.close());

  it("gives a rep their own deals in full and everyone else's as event.hidden, keeping the seq gap-free", async () => {
    const [ayu, manager, otherManager, admin] = [await live(tokens.ayu), await live(tokens.manager), await live(tokens.otherManager), await live(t.adminToken)];
    const start = ayu.snapshots[0].seq;

    const own = await createDeal(t.api, org.reps[0].id, { name: 'Ayu: PT Sinar renewal' });
    const budis = await createDeal(t.api, org.reps[1].id, { name: 'Budi: PT Rahasia expansion', amount: '987654321' });
    const sitis = await createDeal(t.api, otherTeamRep.id, { name: 'Siti: PT Medan' });
    await t.api.post(`/api/deals/${budis.id}/stage`).send({ stage: 'won' }).expect(200);
    await t.api.post('/api/activities').send({ type: 'call', repId: org.reps[1].id, dealId: budis.id, note: 'discount 30%' }).expect(201);
    await t.api.put('/api/quotas').send({ repId: org.reps[1].id, period: 'month', periodStart: '2026-11-01', amount: 5000 }).expect(200);

    await admin.waitForEvent((event) => event.type === 'quota.updated');
    for (const client of [ayu, manager, otherManager]) await client.waitForEvent((event) => event.seq === start + 6 && isSequencedEvent(event));

    const seqs = (client: RecordingClient) => sequenced(client).map((event) => event.seq);
    const expected = [1, 2, 3, 4, 5, 6].map((n) => start + n);
    for (const client of [ayu, manager, otherManager, admin]) expect(seqs(client)).toEqual(expected);

    const typesFor = (client: RecordingClient) => sequenced(client).map((event) => event.type);
    expect(typesFor(admin)).toEqual(['deal.created', 'deal.created', 'deal.created', 'deal.won', 'activity.logged', 'quota.updated']);
    expect(typesFor(ayu)).toEqual(['deal.created', HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE]);
    expect(typesFor(manager)).toEqual(['deal.created', 'deal.created', HIDDEN_EVENT_TYPE, 'deal.won', 'activity.logged', 'quota.updated']);
    expect(typesFor(otherManager)).toEqual([HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE, 'deal.created', HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE, HIDDEN_EVENT_TYPE]);

    // Nothing of another rep's deal reaches Ayu's socket: not its id, name, amount or the note.
    // Leaderboards are everyone's by design (a colleague's won revenue is on the wall), and one
    // may arrive in this window, carrying Budi's won total: they are left out of the scan.
    const received = JSON.stringify(ayu.events.filter((event) => event.type !== 'leaderboard.updated'));
    for (const secret of [budis.id, sitis.id, 'PT Rahasia', '987654321', 'discount 30%', 'PT Medan']) expect(received).not.toContain(secret);
    expect(received).toContain(own.id);
    const hiddenEvent = sequenced(ayu).find((event) => event.type === HIDDEN_EVENT_TYPE) as LiveEvent;
    expect(Object.keys(hiddenEvent).sort()).toEqual(['at', 'payload', 'seq', 'type']);
    expect(hiddenEvent.payload).toEqual({});
  });

  it("tells a deal's former rep and team that it left them when it is handed over", async () => {
    const deal = await createDeal(t.api, org.reps[0].id);
    const [ayu, budi, otherManager] = [await live(tokens.ayu), await live(tokens.budi), await live(tokens.otherManager)];
    await t.api.patch(`/api/deals/${deal.id}`).send({ ownerId: otherTeamRep.id }).expect(200);
    const forAyu = await ayu.waitForEvent((event) => event.type === 'deal.updated');
    expect(forAyu.payload).toMatchObject({ deal: { id: deal.id, ownerId: otherTeamRep.id } });
    expect((await otherManager.waitForEvent((event) => event.type === 'deal.updated')).payload).toMatchObject({ deal: { id: deal.id } });
    expect((await budi.waitForEvent((event) => isSequencedEvent(event) && event.seq === forAyu.seq)).type).toBe(HIDDEN_EVENT_TYPE);
  });

  it("builds a rep's snapshot from their own deals, and redacts a resync", async () => {
    const before = Number((await t.db.query<{ seq: string }>('SELECT seq FROM event_seq'))[0].seq);
    const mine: Deal = await createDeal(t.api, org.reps[0].id, { amount: '1000', name: 'Ayu: small one' });
    await createDeal(t.api, org.reps[1].id, { amount: '2000', name: 'Budi: another secret' });

    const ayu = await live(tokens.ayu);
    const snapshot = ayu.snapshots[0];
    const aboutPeople = snapshot.feed.filter((event) => event.type !== 'org.changed');
    expect(aboutPeople.length).toBeGreaterThan(0);
    expect(aboutPeople.every((event) => JSON.stringify(event).includes(org.reps[0].id))).toBe(true);
    expect(JSON.stringify(snapshot)).not.toContain('Budi: another secret');
    const ownOpen = await t.db.query<{ count: number; amount: string }>(
      `SELECT count(*)::int AS count, COALESCE(sum(amount), 0)::numeric(20,2)::text AS amount FROM deals d JOIN stages s ON s.key = d.stage
        WHERE s.kind = 'open' AND d.owner_id = $1`,
      [org.reps[0].id],
    );
    expect(snapshot.pipeline.reduce((sum, stage) => sum + stage.count, 0)).toBe(ownOpen[0].count);

    const answer = await new Promise<ResyncResult>((resolve) => ayu.socket.emit('resync', { since: before }, resolve));
    expect(answer).toMatchObject({ ok: true, mode: 'replay' });
    if (!answer.ok || answer.mode !== 'replay') throw new Error('expected a replay');
    expect(answer.events.map((event) => event.type)).toEqual(['deal.created', HIDDEN_EVENT_TYPE]);
    expect(answer.events[0].payload).toMatchObject({ deal: { id: mine.id } });

    // The REST snapshot follows the same rule.
    const rest = await request(t.baseUrl).get('/api/snapshot').set('Authorization', `Bearer ${tokens.ayu}`).expect(200);
    expect(JSON.stringify(rest.body)).not.toContain('Budi: another secret');
  });

  describe('which scopes a socket may follow, and the same rule for GET /api/kpis', () => {
    type Who = 'admin' | 'manager' | 'ayu';
    const token = (who: Who) => (who === 'admin' ? t.adminToken : tokens[who]);
    const cases: [string, (who: Who) => object, Record<Who, boolean>][] = [
      ['the whole organisation', () => ({}), { admin: true, manager: false, ayu: false }],
      ['their own team', () => ({ teamId: org.team.id }), { admin: true, manager: true, ayu: false }],
      ['another team', () => ({ teamId: otherTeam.id }), { admin: true, manager: false, ayu: false }],
      ['a territory', () => ({ territoryId: org.territory.id }), { admin: true, manager: false, ayu: false }],
      ['a rep of their team', () => ({ repId: org.reps[1].id }), { admin: true, manager: true, ayu: false }],
      ['a rep of another team', () => ({ repId: otherTeamRep.id }), { admin: true, manager: false, ayu: false }],
      ['themselves', () => ({ repId: org.reps[0].id }), { admin: true, manager: true, ayu: true }],
    ];
    for (const [what, scope, allowed] of cases) {
      for (const who of ['admin', 'manager', 'ayu'] as const) {
        it(`${what}: ${who} ${allowed[who] ? 'may' : 'may not'}`, async () => {
          const client = await live(token(who));
          const ack = await subscribe(client, scope(who));
          expect(ack.ok).toBe(allowed[who]);
          if (!allowed[who]) expect(ack.error).toMatch(/^authorization: /);
          const query = new URLSearchParams(scope(who) as Record<string, string>).toString();
          const response = await request(t.baseUrl)
            .get(`/api/kpis?${query}`)
            .set('Authorization', `Bearer ${token(who)}`);
          expect(response.status).toBe(allowed[who] ? 200 : 403);
        });
      }
    }

    it('sends kpi.updated of a followed scope, and nothing of a refused one', async () => {
      const manager = await live(tokens.manager);
      expect((await subscribe(manager, { teamId: otherTeam.id })).ok).toBe(false);
      expect((await subscribe(manager, { teamId: org.team.id })).ok).toBe(true);
      await createDeal(t.api, otherTeamRep.id, { amount: '5000' });
      await createDeal(t.api, org.reps[1].id, { amount: '7000' });
      await manager.waitForEvent((event) => event.type === 'kpi.updated' && event.payload.scope === `team:${org.team.id}`);
      await new Promise((resolve) => setTimeout(resolve, 600)); // two throttle windows
      expect(manager.events.some((event) => event.type === 'kpi.updated' && event.payload.scope !== `team:${org.team.id}`)).toBe(false);
    });

    it('keeps the KPI consistency check for admins', async () => {
      await request(t.baseUrl).get('/api/kpis/check').set('Authorization', `Bearer ${tokens.manager}`).expect(403);
      await t.api.get('/api/kpis/check').expect(200);
    });
  });
});
