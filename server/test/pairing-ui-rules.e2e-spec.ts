/**
 * Issue #13, item 3 follow-up: the pairing page and the TV list offer a caller only what the
 * server would then accept. The flags they read (GET /api/pairing/boards, `revocable` on
 * GET /api/displays) must say exactly what POST /api/pairing/approve and DELETE /api/displays/:id
 * answer, for an admin and for managers, over boards and TVs of every kind.
 */
import request from 'supertest';
import type { Board, ListedDisplay, PairingBoards, PairingStart } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { approvePairing, callerWith, type Cast, castOfRoles, CAST_PASSWORD, login } from './support/cast.js';

describe('the pairing and TV screens follow the server rules (issue #13)', () => {
  let t: TestApp;
  let c: Cast;
  /** Callers by name: the cast's admin and manager (team A), a manager of team B, a manager of no team. */
  let tokens: Record<'admin' | 'managerA' | 'managerB' | 'managerOfNone', string>;
  let boards: Board[];

  const newBoard = async (name: string, scope?: object) =>
    (
      await t.api
        .post('/api/boards')
        .send({ name, scenes: [{ kind: 'leaderboard', seconds: 20 }], ...(scope ? { scope } : {}) })
        .expect(201)
    ).body as Board;
  const startPairing = async () => (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;

  beforeAll(async () => {
    t = await bootTestApp();
    c = await castOfRoles(t);
    for (const [email, name, teamIds] of [
      ['medan@example.co.id', 'Rudi', [c.teamB.id]],
      ['idle@example.co.id', 'Wati', []],
    ] as const)
      await t.api.post('/api/users').send({ email, name, role: 'manager', teamIds, password: CAST_PASSWORD }).expect(201);
    tokens = {
      admin: t.adminToken,
      managerA: c.tokens.manager!,
      managerB: await login(t.baseUrl, 'medan@example.co.id'),
      managerOfNone: await login(t.baseUrl, 'idle@example.co.id'),
    };
    await newBoard('Whole floor', { kind: 'all' });
    await newBoard('Team Jakarta floor', { kind: 'team', id: c.orgA.team.id });
    await newBoard('Team Medan floor', { kind: 'team', id: c.teamB.id });
    await newBoard('Territory Jakarta', { kind: 'territory', id: c.orgA.territory.id });
    boards = (await t.api.get('/api/boards').expect(200)).body as Board[];
  }, 60_000);
  afterAll(async () => t?.close());

  it.each(['admin', 'managerA', 'managerB', 'managerOfNone'] as const)(
    'offers %s exactly the boards its approval accepts, and says what a TV without a board reads',
    async (who) => {
      const offered = (await callerWith(t.baseUrl, tokens[who]).get('/api/pairing/boards').expect(200)).body as PairingBoards;
      const accepted: string[] = [];
      for (const board of boards) {
        const start = await startPairing();
        const answer = await callerWith(t.baseUrl, tokens[who])
          .post('/api/pairing/approve')
          .send({ userCode: start.userCode, name: `${who} TV`, boardId: board.id });
        expect([201, 403]).toContain(answer.status);
        if (answer.status === 201) accepted.push(board.id);
      }
      expect(offered.boards.map((board) => board.id)).toEqual(accepted);
      expect(offered.withoutBoardReads).toBe({ admin: 'everything', managerA: 'yourTeams', managerB: 'yourTeams', managerOfNone: 'nothing' }[who]);
    },
  );

  it('refuses the list of pairable boards to those who may not pair', async () => {
    await c.as('rep').get('/api/pairing/boards').expect(403);
    await c.as('display').get('/api/pairing/boards').expect(403);
    await request(t.baseUrl).get('/api/pairing/boards').expect(401);
  });

  it('marks revocable exactly the TVs whose revocation the caller gets, says why not, and who paired each', async () => {
    const teamA = boards.find((board) => board.name === 'Team Jakarta floor')!;
    const teamB = boards.find((board) => board.name === 'Team Medan floor')!;
    await approvePairing(t.baseUrl, tokens.admin, 'Admin TV, no board');
    await approvePairing(t.baseUrl, tokens.admin, 'Admin TV, Jakarta', teamA.id);
    await approvePairing(t.baseUrl, tokens.managerA, 'Hendra TV, no board');
    await approvePairing(t.baseUrl, tokens.managerA, 'Hendra TV, Jakarta', teamA.id);
    await approvePairing(t.baseUrl, tokens.managerB, 'Rudi TV, Medan', teamB.id);

    // Rudi (team B) first: Hendra's TVs are still there for him to be refused.
    for (const who of ['managerB', 'managerA', 'admin'] as const) {
      const caller = callerWith(t.baseUrl, tokens[who]);
      const listed = ((await caller.get('/api/displays').expect(200)).body as ListedDisplay[]).filter((display) => !display.revokedAt);
      expect(listed.length).toBeGreaterThan(5);
      if (who === 'admin') expect(listed.every((display) => display.revocable)).toBe(true);
      else expect(listed.some((display) => display.revocable)).toBe(true);
      const byName = Object.fromEntries(listed.map((display) => [display.name, display]));
      expect(byName['Admin TV, no board'].pairedBy).toBe('Administrator');
      if (who === 'managerB') {
        expect(byName['Rudi TV, Medan'].pairedBy).toBe('Rudi');
        expect(byName['Admin TV, Jakarta'].revokeRefusal).toBe('pairedByAdmin');
        expect(byName['Hendra TV, no board'].revokeRefusal).toBe('readsBeyondYourTeams');
        expect(byName['Rudi TV, Medan'].revocable).toBe(true);
      }
      if (who === 'managerA') expect(byName['Hendra TV, no board'].revocable).toBe(true);
      for (const display of listed) {
        const answer = await caller.delete(`/api/displays/${display.id}`);
        expect({ name: display.name, status: answer.status }).toEqual({ name: display.name, status: display.revocable ? 200 : 403 });
        if (display.revocable) expect(display.revokeRefusal).toBeNull();
        else expect(answer.body.message).toMatch(display.revokeRefusal === 'pairedByAdmin' ? /paired by an admin/ : /beyond your teams/);
      }
    }
    const left = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM displays WHERE revoked_at IS NULL');
    expect(left[0].n).toBe(0);
  });
});
