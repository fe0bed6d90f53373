/**
 * Issue #13, the access holes: a TV credential wider than whoever paired it, a webhooks-only key
 * reading the live stream, a rep's org-wide lead, a refusal that tells which references exist,
 * and a manager locked out of their reps' figures after a fresh demo start. Real logins, real
 * pairings, real sockets, real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Board, Deal, Display, Lead, PairingStart, Rep, Team } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { approvePairing, callerWith, type Cast, castOfRoles, CAST_PASSWORD, createKey, login, pairDisplay } from './support/cast.js';
import { connectLive } from './support/live-client.js';

const UNKNOWN_ID = '0b7e5c1a-2f4d-4e8a-9c3b-5d6e7f8a9b0c';

describe('access holes (issue #13)', () => {
  let t: TestApp;
  let c: Cast;
  let boards: { orgWide: Board; teamA: Board; teamB: Board; territoryA: Board };

  const newBoard = async (name: string, scope?: object) =>
    (
      await t.api
        .post('/api/boards')
        .send({ name, scenes: [{ kind: 'leaderboard', seconds: 20 }], ...(scope ? { scope } : {}) })
        .expect(201)
    ).body as Board;
  const displayRows = () => t.db.query<{ id: string; revoked_at: Date | null }>('SELECT id, revoked_at FROM displays ORDER BY created_at');
  const startPairing = async () => (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;

  beforeAll(async () => {
    t = await bootTestApp();
    c = await castOfRoles(t);
    // Named to list after the migration's org-wide "Sales floor", the board a TV paired without one plays.
    boards = {
      orgWide: await newBoard('Whole floor', { kind: 'all' }),
      teamA: await newBoard('Team Jakarta floor', { kind: 'team', id: c.orgA.team.id }),
      teamB: await newBoard('Team Medan floor', { kind: 'team', id: c.teamB.id }),
      territoryA: await newBoard('Territory Jakarta', { kind: 'territory', id: c.orgA.territory.id }),
    };
  }, 60_000);
  afterAll(async () => t?.close());

  describe('3. a display credential is never wider than whoever paired it', () => {
    it("gives a TV a manager pairs without a board the manager's teams, not the organisation", async () => {
      const { token } = await pairDisplay(t.baseUrl, c.tokens.manager!, 'Corridor TV');
      const tv = callerWith(t.baseUrl, token);
      const deals = (await tv.get('/api/deals').expect(200)).body as Deal[];
      expect(deals.map((deal) => deal.id)).toEqual([c.dealA.id]);
      await tv.get(`/api/deals/${c.dealB.id}`).expect(403);
      await tv.get('/api/kpis').expect(403);
      await tv.get(`/api/kpis?teamId=${c.teamB.id}`).expect(403);
      await tv.get(`/api/kpis?teamId=${c.orgA.team.id}`).expect(200);
      await tv.get(`/api/kpis?repId=${c.orgA.reps[0].id}`).expect(200);
    });

    it("gives a TV an admin pairs without a board the admin's scope: everything", async () => {
      const { token } = await pairDisplay(t.baseUrl, t.adminToken, 'Boardroom TV');
      const deals = (await callerWith(t.baseUrl, token).get('/api/deals').expect(200)).body as Deal[];
      expect(deals.map((deal) => deal.id).sort()).toEqual([c.dealA.id, c.dealB.id].sort());
      await callerWith(t.baseUrl, token).get('/api/kpis').expect(200);
    });

    it("refuses a manager a board outside their teams (the organisation's, another team's, a territory's) and pairs nothing", async () => {
      const before = await displayRows();
      const start = await startPairing();
      for (const board of [boards.orgWide, boards.teamB, boards.territoryA]) {
        const refused = await c.as('manager').post('/api/pairing/approve').send({ userCode: start.userCode, name: 'Sneaky TV', boardId: board.id }).expect(403);
        expect(refused.body.message).toMatch(/boardId/);
      }
      expect(await displayRows()).toEqual(before);
      // The code was not used up: the TV still waits, and its team's board is the manager's to give.
      const paired = await c
        .as('manager')
        .post('/api/pairing/approve')
        .send({ userCode: start.userCode, name: 'Jakarta TV', boardId: boards.teamA.id })
        .expect(201);
      expect((paired.body as Display).boardId).toBe(boards.teamA.id);
    });

    it('refuses a manager the revocation of a display an admin paired, and lets them revoke their own', async () => {
      const admins = await pairDisplay(t.baseUrl, t.adminToken, 'Reception TV');
      const refused = await c.as('manager').delete(`/api/displays/${admins.displayId}`).expect(403);
      expect(refused.body.message).toMatch(/admin/);
      const [row] = (await displayRows()).filter((display) => display.id === admins.displayId);
      expect(row.revoked_at).toBeNull();
      await callerWith(t.baseUrl, admins.token).get('/api/deals').expect(200);

      const own = await approvePairing(t.baseUrl, c.tokens.manager!, 'Team TV', boards.teamA.id);
      await c.as('manager').delete(`/api/displays/${own.displayId}`).expect(200);
      await c.as('admin').delete(`/api/displays/${admins.displayId}`).expect(200);
    });
  });

  describe('5. the socket follows the same scopes as REST', () => {
    /** What the server answers a socket at connect: its refusal's message, or that it sent a snapshot. */
    const connectOutcome = (token: string) => {
      const client = connectLive(t.baseUrl, { token });
      return new Promise<string>((resolve) => {
        client.socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
        client.socket.once('snapshot', () => resolve('snapshot'));
      }).finally(() => client.close());
    };

    it('refuses a webhooks-only API key at connect, with a reason the client can read, as REST refuses its reads', async () => {
      const { key } = await createKey(t, 'Pipedrive inbound', ['webhooks']);
      await callerWith(t.baseUrl, key).get('/api/deals').expect(403);
      await callerWith(t.baseUrl, key).get('/api/snapshot').expect(403);
      expect(await connectOutcome(key)).toMatch(/^refused: authorization: .*read scope/);
    });

    it('lets a write-only API key read on the socket as it may on REST', async () => {
      const { key } = await createKey(t, 'CRM writer', ['write']);
      await callerWith(t.baseUrl, key).get('/api/deals').expect(200);
      expect(await connectOutcome(key)).toBe('snapshot');
    });
  });

  describe("10. a rep's lead is their own", () => {
    const leadCount = async () => Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM leads'))[0].n);

    it('gives a lead a rep logs without repId to that rep', async () => {
      const lead = (await c.as('rep').post('/api/leads').send({ source: 'walk-in' }).expect(201)).body as Lead;
      expect(lead.repId).toBe(c.orgA.reps[0].id);
    });

    it("refuses a rep a lead for another rep, and a manager a lead outside their teams' reps, writing nothing", async () => {
      const before = await leadCount();
      const rep = await c.as('rep').post('/api/leads').send({ source: 'walk-in', repId: c.repB.id }).expect(403);
      expect(rep.body.message).toMatch(/repId|yourself/);
      const orgWide = await c.as('manager').post('/api/leads').send({ source: 'expo' }).expect(403);
      expect(orgWide.body.message).toMatch(/repId/);
      await c.as('manager').post('/api/leads').send({ source: 'expo', repId: c.repB.id }).expect(403);
      expect(await leadCount()).toBe(before);
      const own = (await c.as('manager').post('/api/leads').send({ source: 'expo', repId: c.orgA.reps[0].id }).expect(201)).body as Lead;
      expect(own.repId).toBe(c.orgA.reps[0].id);
    });
  });

  describe('11. rights are checked before references', () => {
    const dealRow = async (id: string) => (await t.db.query('SELECT name, account_id, product_id, owner_id FROM deals WHERE id = $1', [id]))[0];

    it("answers a rep's change of another team's deal with unknown references exactly as a change of an unknown deal", async () => {
      for (const body of [{ accountId: UNKNOWN_ID }, { productId: UNKNOWN_ID }, { ownerId: UNKNOWN_ID }, { name: 'Mine now', accountId: UNKNOWN_ID }]) {
        const before = await dealRow(c.dealB.id);
        const other = await c.as('rep').patch(`/api/deals/${c.dealB.id}`).send(body);
        const unknown = await c.as('rep').patch(`/api/deals/${randomUUID()}`).send(body);
        expect({ body, status: other.status }).toEqual({ body, status: 403 });
        expect(unknown.status).toBe(403);
        expect(other.body.message).not.toMatch(/account|product|no rep/);
        expect(await dealRow(c.dealB.id)).toEqual(before);
      }
    });

    it("answers a rep's new deal for another rep with an unknown account with 403, not 400", async () => {
      const response = await c.as('rep').post('/api/deals').send({ name: 'Not mine', ownerId: c.repB.id, amount: '1000', accountId: UNKNOWN_ID }).expect(403);
      expect(response.body.message).not.toMatch(/account/);
    });

    it('still names an unknown reference to whoever may change the deal', async () => {
      const response = await c.as('rep').patch(`/api/deals/${c.dealA.id}`).send({ accountId: UNKNOWN_ID }).expect(400);
      expect(response.body.message).toMatch(/accountId/);
    });
  });
});

describe("14. a manager reads their reps' figures right after a fresh demo start", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ DEMO_DATA: 'on' });
  }, 120_000);
  afterAll(async () => t?.close());

  it("answers a new manager's first KPI request for one of their reps with 200", async () => {
    const [team] = (await t.api.get('/api/teams').expect(200)).body as Team[];
    const rep = ((await t.api.get('/api/reps').expect(200)).body as Rep[]).find((r) => r.teamId === team.id)!;
    await t.api
      .post('/api/users')
      .send({ email: 'lead@example.co.id', name: 'Lead', role: 'manager', teamIds: [team.id], password: CAST_PASSWORD })
      .expect(201);
    const manager = callerWith(t.baseUrl, await login(t.baseUrl, 'lead@example.co.id'));
    await manager.get(`/api/kpis?repId=${rep.id}`).expect(200);
    await manager.get(`/api/kpis?teamId=${team.id}`).expect(200);
  });
});
