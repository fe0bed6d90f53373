/**
 * The admin area's organisation: teams, territories and reps edited by admins (and a manager,
 * for their own reps), the territory overview, and what a rep's move does to deals and KPIs.
 */
import request from 'supertest';
import type { AuditEntry, Deal, KpisResponse, LiveEvent, Rep, TeamAdmin, TerritoryOverviewAnswer, User } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

const PASSWORD = 'a long enough password';
const UNKNOWN = '3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f';

describe('admin: teams, territories and reps', () => {
  let t: TestApp;
  let org: Org;
  let teamB: { id: string; name: string };
  let territoryB: { id: string; name: string };
  let otherRep: Rep;
  let manager: User;
  let managerToken: string;
  let repToken: string;
  let live: RecordingClient;

  const login = async (email: string) =>
    (await request(t.baseUrl).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
  const as = (token: string) => ({
    get: (url: string) => request(t.baseUrl).get(url).set('Authorization', `Bearer ${token}`),
    patch: (url: string, body: object) => request(t.baseUrl).patch(url).set('Authorization', `Bearer ${token}`).send(body),
  });
  const lastAudit = async (action: string): Promise<AuditEntry> => (await t.api.get(`/api/audit?action=${action}&limit=1`).expect(200)).body[0];
  const orgChanged = (entity: string, id: string) => (e: LiveEvent) => e.type === 'org.changed' && e.payload.entity === entity && e.payload.id === id;
  const check = async () => (await t.api.get('/api/kpis/check').expect(200)).body as { ok: boolean; differences: string[] };

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 2);
    teamB = (await t.api.post('/api/teams').send({ name: 'Sumatera' }).expect(201)).body;
    territoryB = (await t.api.post('/api/territories').send({ name: 'Medan', region: 'Sumatera' }).expect(201)).body;
    otherRep = (await t.api.post('/api/reps').send({ name: 'Siti', email: 'siti@example.co.id', teamId: teamB.id }).expect(201)).body;
    manager = (
      await t.api
        .post('/api/users')
        .send({ email: 'hendra@example.co.id', name: 'Hendra', password: PASSWORD, role: 'manager', teamIds: [org.team.id] })
        .expect(201)
    ).body;
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', password: PASSWORD, role: 'rep', repId: org.reps[0].id }).expect(201);
    managerToken = await login('hendra@example.co.id');
    repToken = await login('ayu@example.co.id');
    live = connectLive(t.baseUrl, { token: t.adminToken });
    await live.waitForSnapshot();
  });
  afterAll(async () => {
    live.close();
    await t.close();
  });

  describe('teams', () => {
    it('lists teams with their manager and active reps', async () => {
      const teams = (await t.api.get('/api/admin/teams').expect(200)).body as TeamAdmin[];
      expect(teams).toEqual([
        { id: org.team.id, name: 'Jakarta Raya', managerUserId: manager.id, managerName: 'Hendra', repCount: 2 },
        { id: teamB.id, name: 'Sumatera', managerUserId: null, managerName: null, repCount: 1 },
      ]);
      await as(managerToken).get('/api/admin/teams').expect(403);
    });

    it('renames a team and changes its manager, audited and announced', async () => {
      const answer = await t.api.patch(`/api/teams/${teamB.id}`).send({ name: 'Sumatera Utara', managerUserId: manager.id }).expect(200);
      expect(answer.body).toEqual({ id: teamB.id, name: 'Sumatera Utara', managerUserId: manager.id, managerName: 'Hendra', repCount: 1 });
      const [row] = await t.db.query('SELECT name, manager_user_id, manager_name FROM teams WHERE id = $1', [teamB.id]);
      expect(row).toEqual({ name: 'Sumatera Utara', manager_user_id: manager.id, manager_name: 'Hendra' });
      expect((await live.waitForEvent(orgChanged('team', teamB.id))).payload).toEqual({ entity: 'team', id: teamB.id, name: 'Sumatera Utara' });
      expect((await lastAudit('team.update')).details).toEqual({
        name: { from: 'Sumatera', to: 'Sumatera Utara' },
        managerUserId: { from: null, to: manager.id },
        managerName: { from: null, to: 'Hendra' },
      });
      // The manager's token named one team: it must be refreshed, and then names both.
      await as(managerToken).get('/api/auth/me').expect(401);
      managerToken = await login('hendra@example.co.id');
      expect((await as(managerToken).get('/api/auth/me').expect(200)).body.teamIds.sort()).toEqual([org.team.id, teamB.id].sort());
      await t.api.patch(`/api/teams/${teamB.id}`).send({ managerUserId: null }).expect(200);
      managerToken = await login('hendra@example.co.id');
      expect((await check()).differences).toEqual([]);
    });

    it('answers wrong input with 400 naming the field, unknown ids with 404, duplicates with 409', async () => {
      const ayu = (await t.db.query("SELECT id FROM users WHERE email = 'ayu@example.co.id'"))[0].id as string;
      expect((await t.api.patch(`/api/teams/${teamB.id}`).send({ managerUserId: ayu }).expect(400)).body.message).toBe(
        'managerUserId: Ayu is a rep, not a manager',
      );
      expect((await t.api.patch(`/api/teams/${teamB.id}`).send({ managerUserId: UNKNOWN }).expect(400)).body.message).toBe(
        `managerUserId: no user with id ${UNKNOWN}`,
      );
      expect((await t.api.patch(`/api/teams/${teamB.id}`).send({}).expect(400)).body.message).toBe('body: names no field to change');
      expect((await t.api.patch(`/api/teams/${teamB.id}`).send({ name: 42 }).expect(400)).body.message).toMatch(/^name: /);
      expect((await t.api.patch(`/api/teams/${teamB.id}`).send({ colour: 'red' }).expect(400)).body.message).toMatch(/^colour: is not a known field/);
      expect((await t.api.patch('/api/teams/nope').send({ name: 'x' }).expect(400)).body.message).toBe('id: must be a UUID');
      await t.api.patch(`/api/teams/${UNKNOWN}`).send({ name: 'x' }).expect(404);
      expect((await t.api.patch(`/api/teams/${teamB.id}`).send({ name: 'Jakarta Raya' }).expect(409)).body.message).toMatch(/^name: /);
      await as(managerToken).patch(`/api/teams/${org.team.id}`, { name: 'Mine' }).expect(403);
      await as(repToken).patch(`/api/teams/${org.team.id}`, { name: 'Mine' }).expect(403);
      const [row] = await t.db.query('SELECT name FROM teams WHERE id = $1', [teamB.id]);
      expect(row.name).toBe('Sumatera Utara');
    });
  });

  describe('territories', () => {
    it('renames a territory and changes its region', async () => {
      const answer = await t.api.patch(`/api/territories/${territoryB.id}`).send({ name: 'Medan Raya', region: 'Sumatera Utara' }).expect(200);
      expect(answer.body).toEqual({ id: territoryB.id, name: 'Medan Raya', region: 'Sumatera Utara' });
      const [row] = await t.db.query('SELECT name, region FROM territories WHERE id = $1', [territoryB.id]);
      expect(row).toEqual({ name: 'Medan Raya', region: 'Sumatera Utara' });
      await live.waitForEvent(orgChanged('territory', territoryB.id));
      expect(await lastAudit('territory.update')).toMatchObject({
        target: `territory:${territoryB.id}`,
        details: { name: { from: 'Medan', to: 'Medan Raya' }, region: { from: 'Sumatera', to: 'Sumatera Utara' } },
      });
      expect((await check()).differences).toEqual([]);
    });

    it('answers wrong input with 400, unknown ids with 404, duplicates with 409, other roles with 403', async () => {
      expect((await t.api.patch(`/api/territories/${territoryB.id}`).send({}).expect(400)).body.message).toBe('body: names no field to change');
      expect((await t.api.patch(`/api/territories/${territoryB.id}`).send({ region: '' }).expect(400)).body.message).toBe('region: must not be empty');
      await t.api.patch(`/api/territories/${UNKNOWN}`).send({ name: 'x' }).expect(404);
      await t.api.patch(`/api/territories/${territoryB.id}`).send({ name: 'Jakarta' }).expect(409);
      await as(managerToken).patch(`/api/territories/${territoryB.id}`, { name: 'x' }).expect(403);
    });
  });

  describe('reps', () => {
    let open: Deal;
    let won: Deal;

    beforeAll(async () => {
      const rep = org.reps[0].id;
      open = await createDeal(t.api, rep, { name: 'Open one', amount: '1000000', stage: 'proposal' });
      won = await createDeal(t.api, rep, { name: 'Won one', amount: '2500000', stage: 'negotiation' });
      await t.api.post(`/api/deals/${won.id}/stage`).send({ stage: 'won' }).expect(200);
    });

    it('moves a rep to another team and territory: open deals follow, closed ones keep theirs, KPIs stay exact', async () => {
      const teamBefore = (await t.api.get(`/api/kpis?teamId=${org.team.id}&period=month`).expect(200)).body as KpisResponse;
      expect(teamBefore.kpis.revenue).toBe('2500000.00');
      const answer = await t.api.patch(`/api/reps/${org.reps[0].id}`).send({ teamId: teamB.id, territoryId: territoryB.id }).expect(200);
      expect(answer.body).toMatchObject({ id: org.reps[0].id, teamId: teamB.id, territoryId: territoryB.id });
      const openNow = (await t.api.get(`/api/deals/${open.id}`).expect(200)).body as Deal;
      const wonNow = (await t.api.get(`/api/deals/${won.id}`).expect(200)).body as Deal;
      expect([openNow.teamId, openNow.territoryId]).toEqual([teamB.id, territoryB.id]);
      expect([wonNow.teamId, wonNow.territoryId]).toEqual([org.team.id, org.territory.id]);
      await live.waitForEvent(orgChanged('rep', org.reps[0].id));
      expect((await check()).differences).toEqual([]);
      const teamAfter = (await t.api.get(`/api/kpis?teamId=${org.team.id}&period=month`).expect(200)).body as KpisResponse;
      const teamB2 = (await t.api.get(`/api/kpis?teamId=${teamB.id}&period=month`).expect(200)).body as KpisResponse;
      expect(teamAfter.kpis.revenue).toBe('2500000.00');
      expect(teamAfter.kpis.openPipeline).toBe('0.00');
      expect(teamB2.kpis.openPipeline).toBe('1000000.00');
      const audit = await lastAudit('rep.update');
      expect(audit.details).toEqual({
        teamId: { from: org.team.id, to: teamB.id },
        territoryId: { from: org.territory.id, to: territoryB.id },
        openDealsMoved: 1,
      });
      // Moved back, the won deal still counts where it was won; a deal closed after that follows.
      await t.api.patch(`/api/reps/${org.reps[0].id}`).send({ teamId: org.team.id, territoryId: org.territory.id }).expect(200);
      await t.api.post(`/api/deals/${open.id}/stage`).send({ stage: 'won' }).expect(200);
      expect(((await t.api.get(`/api/deals/${open.id}`).expect(200)).body as Deal).teamId).toBe(org.team.id);
      expect(((await t.api.get(`/api/deals/${won.id}`).expect(200)).body as Deal).teamId).toBe(org.team.id);
      expect((await check()).differences).toEqual([]);
    });

    it('lets a manager change territory and active of their own reps only', async () => {
      const own = org.reps[1].id;
      await as(managerToken).patch(`/api/reps/${own}`, { territoryId: territoryB.id }).expect(200);
      const [row] = await t.db.query('SELECT territory_id FROM reps WHERE id = $1', [own]);
      expect(row.territory_id).toBe(territoryB.id);
      expect((await lastAudit('rep.update')).actorId).toBe(manager.id);
      expect((await as(managerToken).patch(`/api/reps/${own}`, { teamId: teamB.id }).expect(403)).body.message).toMatch(
        /territoryId and active only, not teamId/,
      );
      expect((await as(managerToken).patch(`/api/reps/${otherRep.id}`, { active: false }).expect(403)).body.message).toMatch(/teams they manage/);
      await as(repToken).patch(`/api/reps/${own}`, { active: false }).expect(403);
      const [unchanged] = await t.db.query('SELECT team_id, active FROM reps WHERE id = $1', [otherRep.id]);
      expect(unchanged).toEqual({ team_id: teamB.id, active: true });
      expect((await check()).differences).toEqual([]);
    });

    it('answers wrong input with 400 naming the field, unknown ids with 404, a taken email with 409', async () => {
      const id = org.reps[1].id;
      expect((await t.api.patch(`/api/reps/${id}`).send({}).expect(400)).body.message).toBe('body: names no field to change');
      expect((await t.api.patch(`/api/reps/${id}`).send({ email: 'nope' }).expect(400)).body.message).toBe('email: must be an email address');
      expect((await t.api.patch(`/api/reps/${id}`).send({ teamId: UNKNOWN }).expect(400)).body.message).toBe(`teamId: no team with id ${UNKNOWN}`);
      expect((await t.api.patch(`/api/reps/${id}`).send({ territoryId: UNKNOWN }).expect(400)).body.message).toBe(
        `territoryId: no territory with id ${UNKNOWN}`,
      );
      expect((await t.api.patch(`/api/reps/${id}`).send({ active: 1 }).expect(400)).body.message).toMatch(/^active: /);
      await t.api.patch(`/api/reps/${UNKNOWN}`).send({ name: 'x' }).expect(404);
      expect((await t.api.patch(`/api/reps/${id}`).send({ email: 'siti@example.co.id' }).expect(409)).body.message).toMatch(/^email: /);
    });
  });

  describe('territory overview', () => {
    it('shows each territory’s reps, accounts, pipeline, won and quota in the organisation’s month', async () => {
      await t.api.post('/api/accounts').send({ name: 'PT Maju Jaya', territoryId: org.territory.id }).expect(201);
      const month = (await t.api.get('/api/kpis?period=month').expect(200)).body as KpisResponse;
      await t.api.put('/api/quotas').send({ repId: org.reps[0].id, period: 'month', periodStart: month.period.from, amount: '10000000' }).expect(200);
      await t.api.post('/api/reps').send({ name: 'Budi', email: 'budi@example.co.id', teamId: org.team.id }).expect(201);
      const overview = (await t.api.get('/api/territories/overview').expect(200)).body as TerritoryOverviewAnswer;
      expect(overview).toMatchObject({ period: 'month', from: month.period.from, to: month.period.to, currency: 'IDR' });
      const jakarta = overview.territories.find((x) => x.id === org.territory.id);
      expect(jakarta).toEqual({
        id: org.territory.id,
        name: 'Jakarta',
        region: 'Jawa',
        reps: [{ id: org.reps[0].id, name: 'Rep 1', teamId: org.team.id, active: true }],
        accountCount: 1,
        openDeals: 0,
        openPipeline: '0.00',
        won: '3500000.00',
        quota: '10000000.00',
        attainment: 0.35,
      });
      expect(overview.unassignedReps.map((r) => r.name).sort()).toEqual(['Budi', 'Siti']);
      // The KPIs say the same of the territory.
      const kpis = (await t.api.get(`/api/kpis?territoryId=${org.territory.id}&period=month`).expect(200)).body as KpisResponse;
      expect([kpis.kpis.revenue, kpis.kpis.quota]).toEqual([jakarta?.won, jakarta?.quota]);
    });

    it('shows a manager every territory but only their teams’ figures; reps may not ask', async () => {
      const overview = (await as(managerToken).get('/api/territories/overview?period=year').expect(200)).body as TerritoryOverviewAnswer;
      expect(overview.period).toBe('year');
      expect(overview.territories.map((x) => x.name).sort()).toEqual(['Jakarta', 'Medan Raya']);
      expect(overview.unassignedReps.map((r) => r.name)).toEqual(['Budi']);
      await as(repToken).get('/api/territories/overview').expect(403);
      expect((await t.api.get('/api/territories/overview?period=week').expect(400)).body.message).toMatch(/^period: /);
    });
  });
});
