/**
 * The admin area's stages, boards and displays, with two server nodes on one database: a stage
 * changed on one node must reach the other's stage cache and KPIs through the event log.
 */
import request from 'supertest';
import type { AuditEntry, Board, KpisResponse, LiveEvent, PairingStart, Stage } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

const PASSWORD = 'a long enough password';
const UNKNOWN = '3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f';
const DISCOVERY = { key: 'discovery', label: 'Discovery', kind: 'open', probability: 15, forecastCategory: 'pipeline', stuckAfterDays: 10 };

describe('admin: stages, boards and displays', () => {
  let t: TestApp;
  let other: TestApp;
  let org: Org;
  let managerToken: string;
  let live: RecordingClient;

  const lastAudit = async (action: string): Promise<AuditEntry> => (await t.api.get(`/api/audit?action=${action}&limit=1`).expect(200)).body[0];
  const orgChanged = (entity: string, id: string) => (e: LiveEvent) => e.type === 'org.changed' && e.payload.entity === entity && e.payload.id === id;
  const keys = (stages: Stage[]) => stages.map((s) => s.key);
  const check = async (app: TestApp) => ((await app.api.get('/api/kpis/check').expect(200)).body as { differences: string[] }).differences;
  /** Polls until `read` satisfies `ok`, for what another node learns through the event log. */
  const eventually = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 3000): Promise<T> => {
    const started = Date.now();
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() - started > ms) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const stagesOn = (app: TestApp) => async () => (await app.api.get('/api/stages').expect(200)).body as Stage[];
  const kpisOn = (app: TestApp) => async () => (await app.api.get('/api/kpis?period=month').expect(200)).body as KpisResponse;

  beforeAll(async () => {
    t = await bootTestApp();
    other = await bootTestApp({}, t.db);
    org = await createOrg(t.api, 1);
    const month = (await kpisOn(t)()).period;
    await createDeal(t.api, org.reps[0].id, { name: 'Proposal deal', amount: '1000000', stage: 'proposal', expectedCloseDate: month.to });
    await t.api
      .post('/api/users')
      .send({ email: 'hendra@example.co.id', name: 'Hendra', password: PASSWORD, role: 'manager', teamIds: [org.team.id] })
      .expect(201);
    managerToken = (await request(t.baseUrl).post('/api/auth/login').send({ email: 'hendra@example.co.id', password: PASSWORD }).expect(200)).body.accessToken;
    live = connectLive(t.baseUrl, { token: t.adminToken });
    await live.waitForSnapshot();
  });
  afterAll(async () => {
    live.close();
    await other.close();
    await t.close();
  });

  describe('stages', () => {
    it('adds a stage after the last open one by default, on every node', async () => {
      const created = (await t.api.post('/api/stages').send(DISCOVERY).expect(201)).body as Stage;
      expect(created).toMatchObject({ ...DISCOVERY, position: 6 });
      const expected = ['lead', 'qualified', 'demo', 'proposal', 'negotiation', 'discovery', 'won', 'lost'];
      expect(keys(await stagesOn(t)())).toEqual(expected);
      expect(keys(await eventually(stagesOn(other), (s) => keys(s).includes('discovery')))).toEqual(expected);
      const rows = await t.db.query('SELECT key, position FROM stages ORDER BY position');
      expect(rows.map((r) => r.key)).toEqual(expected);
      expect(rows.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      await live.waitForEvent(orgChanged('stage', 'discovery'));
      expect((await lastAudit('stage.create')).details).toMatchObject({ key: 'discovery', probability: 15, kind: 'open' });
      // A deal can be put in it through the other node at once.
      await createDeal(other.api, org.reps[0].id, { name: 'Discovery deal', amount: '500000', stage: 'discovery' });
    });

    it('refuses a duplicate key (409), an open stage after the closed ones and bad bodies (400)', async () => {
      expect((await t.api.post('/api/stages').send(DISCOVERY).expect(409)).body.message).toBe('key: a stage discovery already exists');
      expect(
        (
          await t.api
            .post('/api/stages')
            .send({ ...DISCOVERY, key: 'late', position: 8 })
            .expect(400)
        ).body.message,
      ).toBe('position: late (open) would come after won (won); open stages come before won and lost ones');
      expect(
        (
          await t.api
            .post('/api/stages')
            .send({ ...DISCOVERY, key: 'Bad Key' })
            .expect(400)
        ).body.message,
      ).toBe('key: must be a stage key like "proposal"');
      expect(
        (
          await t.api
            .post('/api/stages')
            .send({ ...DISCOVERY, key: 'x', probability: 101 })
            .expect(400)
        ).body.message,
      ).toMatch(/^probability: /);
      expect(
        (
          await t.api
            .post('/api/stages')
            .send({ ...DISCOVERY, key: 'x', colour: 'red' })
            .expect(400)
        ).body.message,
      ).toBe('colour: is not a known field');
      expect((await t.api.post('/api/stages').send({ key: 'x' }).expect(400)).body.message).toMatch(/label: is required/);
      await request(t.baseUrl)
        .post('/api/stages')
        .set('Authorization', `Bearer ${managerToken}`)
        .send({ ...DISCOVERY, key: 'x' })
        .expect(403);
      expect((await t.db.query("SELECT count(*)::int AS n FROM stages WHERE key IN ('late', 'x')"))[0].n).toBe(0);
    });

    it('a probability or forecast category change moves the weighted pipeline and forecast on both nodes, KPIs exact', async () => {
      const before = await kpisOn(t)();
      expect(before.kpis.weightedPipeline).toBe('675000.00'); // 1 000 000 × 60% + 500 000 × 15%
      const answer = await t.api.patch('/api/stages/proposal').send({ probability: 90, forecastCategory: 'commit' }).expect(200);
      expect(answer.body).toMatchObject({ key: 'proposal', probability: 90, forecastCategory: 'commit', kind: 'open' });
      const after = await kpisOn(t)();
      expect(after.kpis.weightedPipeline).toBe('975000.00');
      expect(after.kpis.forecast.commit).toBe('1000000.00');
      const elsewhere = await eventually(kpisOn(other), (k) => k.kpis.weightedPipeline === '975000.00');
      expect(elsewhere.kpis.weightedPipeline).toBe('975000.00');
      expect(
        (await eventually(stagesOn(other), (s) => s.find((x) => x.key === 'proposal')?.probability === 90)).find((x) => x.key === 'proposal'),
      ).toMatchObject({
        probability: 90,
        forecastCategory: 'commit',
      });
      expect(await check(t)).toEqual([]);
      expect(await check(other)).toEqual([]);
      expect((await lastAudit('stage.update')).details).toEqual({
        probability: { from: 60, to: 90 },
        forecastCategory: { from: 'best_case', to: 'commit' },
      });
    });

    it('answers a bad stage edit with 400, an unknown stage with 404', async () => {
      expect((await t.api.patch('/api/stages/proposal').send({}).expect(400)).body.message).toBe('body: names no field to change');
      expect((await t.api.patch('/api/stages/proposal').send({ kind: 'won' }).expect(400)).body.message).toMatch(/^kind: is not a known field/);
      expect((await t.api.patch('/api/stages/proposal').send({ stuckAfterDays: 0 }).expect(400)).body.message).toMatch(/^stuckAfterDays: /);
      expect((await t.api.patch('/api/stages/Not-A-Key').send({ label: 'x' }).expect(400)).body.message).toBe('key: must be a stage key like "proposal"');
      expect((await t.api.patch('/api/stages/nosuch').send({ label: 'x' }).expect(404)).body.message).toBe('stage nosuch does not exist');
    });

    it('reorders the stages when every key is named once, open ones first', async () => {
      const order = ['lead', 'discovery', 'qualified', 'demo', 'proposal', 'negotiation', 'lost', 'won'];
      const put = (keys: string[]) => t.api.put('/api/stages/order').send({ keys });
      expect((await put(order.slice(1)).expect(400)).body.message).toBe('keys: must name every stage exactly once: missing lead');
      expect((await put([...order, 'nosuch']).expect(400)).body.message).toBe('keys: must name every stage exactly once: no such stage nosuch');
      expect((await put([...order, 'lead']).expect(400)).body.message).toBe('keys: must name every stage exactly once: more than once lead');
      expect((await put(['won', ...order.filter((k) => k !== 'won')]).expect(400)).body.message).toBe(
        'keys: lead (open) would come after won (won); open stages come before won and lost ones',
      );
      expect((await put([]).expect(400)).body.message).toMatch(/^keys: /);
      const answer = (await put(order).expect(200)).body as Stage[];
      expect(keys(answer)).toEqual(order);
      expect((await t.db.query('SELECT key FROM stages ORDER BY position')).map((r) => r.key)).toEqual(order);
      expect(keys(await eventually(stagesOn(other), (s) => keys(s).join() === order.join()))).toEqual(order);
      expect((await lastAudit('stage.reorder')).details).toEqual({
        keys: { from: ['lead', 'qualified', 'demo', 'proposal', 'negotiation', 'discovery', 'won', 'lost'], to: order },
      });
      expect(await check(t)).toEqual([]);
    });

    it('deletes an unused stage; 409 while deals or history refer to it or for the last of its kind', async () => {
      expect((await t.api.delete('/api/stages/proposal').expect(409)).body.message).toBe('stage: 1 deal(s) are in proposal; move them to another stage first');
      expect((await t.api.delete('/api/stages/discovery').expect(409)).body.message).toMatch(/deal\(s\) are in discovery/);
      await t.api
        .post('/api/stages')
        .send({ ...DISCOVERY, key: 'scoping', label: 'Scoping' })
        .expect(201);
      const removed = (await t.api.delete('/api/stages/scoping').expect(200)).body as Stage;
      expect(removed.key).toBe('scoping');
      expect(keys(await stagesOn(t)())).not.toContain('scoping');
      expect(keys(await eventually(stagesOn(other), (s) => !keys(s).includes('scoping')))).not.toContain('scoping');
      expect((await t.db.query('SELECT position FROM stages ORDER BY position')).map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await lastAudit('stage.delete')).toMatchObject({ target: 'stage:scoping', details: { key: 'scoping', crmMappingsRemoved: 0 } });
      expect((await t.api.delete('/api/stages/lost').expect(409)).body.message).toBe('stage: lost is the only lost stage; the pipeline needs one');
      await t.api.delete('/api/stages/nosuch').expect(404);
      expect(await check(t)).toEqual([]);
    });
  });

  describe('boards and displays', () => {
    let board: Board;
    let displayId: string;

    it('creates and changes a board, audited and announced', async () => {
      board = (
        await t.api
          .post('/api/boards')
          // The team's board: a manager pairs TVs only to boards within their teams (issue #13).
          .send({ name: 'Lobby', scope: { kind: 'team', id: org.team.id }, scenes: [{ kind: 'leaderboard', seconds: 20 }] })
          .expect(201)
      ).body;
      await live.waitForEvent(orgChanged('board', board.id));
      expect(await lastAudit('board.create')).toMatchObject({ target: `board:${board.id}`, details: { name: 'Lobby' } });
      await t.api
        .put(`/api/boards/${board.id}`)
        .send({ name: 'Lobby TV', scope: { kind: 'team', id: org.team.id }, scenes: [{ kind: 'funnel', seconds: 30 }] })
        .expect(200);
      expect((await lastAudit('board.update')).details).toEqual({
        name: { from: 'Lobby', to: 'Lobby TV' },
        scenes: { from: [{ kind: 'leaderboard', seconds: 20 }], to: [{ kind: 'funnel', seconds: 30 }] },
      });
      await t.api
        .post('/api/boards')
        .send({ name: 'Lobby TV', scenes: [{ kind: 'funnel', seconds: 30 }] })
        .expect(409);
    });

    it('pairs a display to it, audited and announced', async () => {
      const start = (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;
      const display = await request(t.baseUrl)
        .post('/api/pairing/approve')
        .set('Authorization', `Bearer ${managerToken}`)
        .send({ userCode: start.userCode, name: 'Lobby TV', boardId: board.id })
        .expect(201);
      displayId = display.body.id;
      await live.waitForEvent(orgChanged('display', displayId));
      expect(await lastAudit('display.pair')).toMatchObject({
        actorName: 'Hendra',
        target: `display:${displayId}`,
        details: { name: 'Lobby TV', boardId: board.id },
      });
    });

    it('deletes a board: its displays fall back to the default board', async () => {
      await request(t.baseUrl).delete(`/api/boards/${board.id}`).set('Authorization', `Bearer ${managerToken}`).expect(403);
      expect((await t.api.delete('/api/boards/nope').expect(400)).body.message).toBe('id: must be a UUID');
      await t.api.delete(`/api/boards/${UNKNOWN}`).expect(404);
      const removed = (await t.api.delete(`/api/boards/${board.id}`).expect(200)).body as Board;
      expect(removed.id).toBe(board.id);
      expect(await t.db.query('SELECT id FROM boards WHERE id = $1', [board.id])).toEqual([]);
      expect((await t.db.query('SELECT board_id FROM displays WHERE id = $1', [displayId]))[0].board_id).toBeNull();
      const displays = (await t.api.get('/api/displays').expect(200)).body as { id: string; boardId: string | null }[];
      expect(displays.find((d) => d.id === displayId)?.boardId).toBeNull();
      await live.waitForEvent((e) => orgChanged('board', board.id)(e) && e.seq > (live.events.find(orgChanged('display', displayId))?.seq ?? 0));
      expect(await lastAudit('board.delete')).toMatchObject({
        target: `board:${board.id}`,
        details: { name: 'Lobby TV', displaysMovedToDefault: [displayId] },
      });
    });

    it('revokes a display, audited and announced', async () => {
      await t.api.delete(`/api/displays/${displayId}`).expect(200);
      expect(await lastAudit('display.revoke')).toMatchObject({ target: `display:${displayId}` });
      expect(live.events.filter(orgChanged('display', displayId)).length).toBeGreaterThanOrEqual(1);
      await eventually(
        async () => live.events.filter(orgChanged('display', displayId)).length,
        (n) => n === 2,
      );
      expect(live.events.filter(orgChanged('display', displayId))).toHaveLength(2);
    });
  });

  it('documents every admin route in the OpenAPI', async () => {
    const doc = (await request(t.baseUrl).get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const routes: [string, string][] = [
      ['/api/users/{id}', 'patch'],
      ['/api/admin/teams', 'get'],
      ['/api/teams/{id}', 'patch'],
      ['/api/territories/{id}', 'patch'],
      ['/api/territories/overview', 'get'],
      ['/api/reps/{id}', 'patch'],
      ['/api/stages', 'post'],
      ['/api/stages/order', 'put'],
      ['/api/stages/{key}', 'patch'],
      ['/api/stages/{key}', 'delete'],
      ['/api/boards/{id}', 'delete'],
      ['/api/audit', 'get'],
    ];
    for (const [path, method] of routes) expect(doc.paths[path]?.[method]).toBeDefined();
    expect(doc.paths['/api/users/{id}'].patch.requestBody).toBeDefined();
    expect(JSON.stringify(doc.paths['/api/audit'].get)).toContain('before');
  });

  it('audits a manager’s quota change with the amount before and after', async () => {
    const month = (await kpisOn(t)()).period.from;
    const put = (amount: string) =>
      request(t.baseUrl)
        .put('/api/quotas')
        .set('Authorization', `Bearer ${managerToken}`)
        .send({ teamId: org.team.id, period: 'month', periodStart: month, amount });
    await put('5000000').expect(200);
    await put('6000000').expect(200);
    expect(await lastAudit('quota.update')).toMatchObject({
      actorName: 'Hendra',
      target: `team:${org.team.id}`,
      details: { period: 'month', periodStart: month, amount: { from: '5000000.00', to: '6000000.00' } },
    });
  });
});
