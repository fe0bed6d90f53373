/**
 * Who may see and change what, on REST and on the socket, for every role and for no credential.
 * Real logins, real tokens, real display pairing, real API keys.
 */
import request from 'supertest';
import type { CreatedApiKey, Deal, PairingStart } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';

type Who = 'none' | 'admin' | 'manager' | 'rep' | 'otherRep' | 'display' | 'readKey' | 'writeKey';

describe('access control', () => {
  let t: TestApp;
  let orgA: Org;
  let teamB: { id: string };
  let repB: { id: string };
  const tokens = {} as Record<Who, string | null>;
  let dealA: Deal;
  let dealB: Deal;
  let displayId: string;

  const as = (who: Who) => {
    const token = tokens[who];
    const wrap = (r: request.Test) => (token ? r.set('Authorization', `Bearer ${token}`) : r);
    return {
      get: (url: string) => wrap(request(t.baseUrl).get(url)),
      post: (url: string) => wrap(request(t.baseUrl).post(url)),
      patch: (url: string) => wrap(request(t.baseUrl).patch(url)),
      put: (url: string) => wrap(request(t.baseUrl).put(url)),
      delete: (url: string) => wrap(request(t.baseUrl).delete(url)),
    };
  };
  const login = async (email: string, password: string) =>
    (await request(t.baseUrl).post('/api/auth/login').send({ email, password }).expect(200)).body.accessToken as string;

  beforeAll(async () => {
    t = await bootTestApp();
    orgA = await createOrg(t.api, 1);
    teamB = (await t.api.post('/api/teams').send({ name: 'Sumatera' }).expect(201)).body;
    repB = (await t.api.post('/api/reps').send({ name: 'Siti', email: 'siti@example.co.id', teamId: teamB.id }).expect(201)).body;
    dealA = await createDeal(t.api, orgA.reps[0].id);
    dealB = await createDeal(t.api, repB.id);
    const password = 'a long enough password';
    await t.api
      .post('/api/users')
      .send({ email: 'manager@example.co.id', name: 'Hendra', password, role: 'manager', teamIds: [orgA.team.id] })
      .expect(201);
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', password, role: 'rep', repId: orgA.reps[0].id }).expect(201);
    await t.api.post('/api/users').send({ email: 'siti@example.co.id', name: 'Siti', password, role: 'rep', repId: repB.id }).expect(201);
    tokens.none = null;
    tokens.admin = t.adminToken;
    tokens.manager = await login('manager@example.co.id', password);
    tokens.rep = await login('ayu@example.co.id', password);
    tokens.otherRep = await login('siti@example.co.id', password);
    tokens.readKey = (
      (
        await t.api
          .post('/api/keys')
          .send({ name: 'BI export', scopes: ['read'] })
          .expect(201)
      ).body as CreatedApiKey
    ).key;
    tokens.writeKey = (
      (
        await t.api
          .post('/api/keys')
          .send({ name: 'CRM sync', scopes: ['read', 'write'] })
          .expect(201)
      ).body as CreatedApiKey
    ).key;
    // A display, paired the way a TV does it.
    const start = (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;
    const display = await as('manager').post('/api/pairing/approve').send({ userCode: start.userCode, name: 'Lobby TV' }).expect(201);
    displayId = display.body.id;
    await new Promise((r) => setTimeout(r, 1600)); // the TV polls no faster than every interval/2
    const poll = await request(t.baseUrl).post('/api/pairing/token').send({ deviceCode: start.deviceCode }).expect(200);
    tokens.display = poll.body.displayToken;
  });
  afterAll(async () => t.close());

  const matrix: [string, string, () => string, unknown, Partial<Record<Who, number>>][] = [
    ['GET', 'list deals', () => '/api/deals', undefined, { none: 401, admin: 200, manager: 200, rep: 200, display: 200, readKey: 200, writeKey: 200 }],
    [
      'GET',
      'read a team A deal',
      () => `/api/deals/${dealA.id}`,
      undefined,
      { none: 401, admin: 200, manager: 200, rep: 200, otherRep: 403, display: 200, readKey: 200 },
    ],
    ['GET', 'read a team B deal', () => `/api/deals/${dealB.id}`, undefined, { manager: 403, rep: 403, otherRep: 200 }],
    ['GET', 'read an unknown deal', () => '/api/deals/3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f', undefined, { admin: 404, manager: 403, rep: 403 }],
    ['POST', 'move a team A deal', () => `/api/deals/${dealA.id}/stage`, { stage: 'qualified' }, { none: 401, display: 403, readKey: 403, otherRep: 403 }],
    [
      'PATCH',
      'change a team A deal',
      () => `/api/deals/${dealA.id}`,
      { name: 'renamed' },
      { rep: 200, manager: 200, admin: 200, writeKey: 200, otherRep: 403, display: 403, none: 401 },
    ],
    ['PATCH', 'change a team B deal', () => `/api/deals/${dealB.id}`, { name: 'renamed' }, { rep: 403, manager: 403, otherRep: 200 }],
    ['POST', 'log an activity for rep A', () => '/api/activities', undefined, { rep: 201, manager: 201, otherRep: 403, display: 403, none: 401 }],
    ['PUT', 'set a quota for team A', () => '/api/quotas', undefined, { manager: 200, admin: 200, rep: 403, display: 403 }],
    ['POST', 'create a team', () => '/api/teams', undefined, { admin: 201, manager: 403, rep: 403, display: 403, readKey: 403, none: 401 }],
    ['GET', 'list users', () => '/api/users', undefined, { admin: 200, manager: 403, rep: 403, display: 403, readKey: 403, none: 401 }],
    ['POST', 'create an API key', () => '/api/keys', { name: 'x', scopes: ['read'] }, { admin: 201, manager: 403, rep: 403, writeKey: 403 }],
    ['GET', 'read the audit log', () => '/api/audit', undefined, { admin: 200, manager: 403, rep: 403, display: 403 }],
    ['GET', 'list displays', () => '/api/displays', undefined, { admin: 200, manager: 200, rep: 403, display: 403, none: 401 }],
    ['GET', 'health', () => '/api/health', undefined, { none: 200 }],
  ];

  const bodies: Record<string, () => unknown> = {
    'log an activity for rep A': () => ({ type: 'call', repId: orgA.reps[0].id }),
    'set a quota for team A': () => ({ teamId: orgA.team.id, period: 'month', periodStart: '2026-11-01', amount: 1000 }),
    'create a team': () => ({ name: `Team ${Math.random()}` }),
  };

  for (const [method, what, url, body, expected] of matrix) {
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      it(`${what}: ${who} gets ${status}`, async () => {
        const client = as(who);
        const call =
          method === 'GET' ? client.get(url()) : method === 'POST' ? client.post(url()) : method === 'PATCH' ? client.patch(url()) : client.put(url());
        const response = await (method === 'GET' ? call : call.send((bodies[what]?.() ?? body) as object));
        expect({ status: response.status, message: response.body?.message }).toMatchObject({ status });
        if (status === 401 || status === 403) expect(response.body).toMatchObject({ statusCode: status, message: expect.stringMatching(/^authorization: /) });
      });
    }
  }

  it('lists for a rep only their own deals', async () => {
    const deals = (await as('rep').get('/api/deals').expect(200)).body as Deal[];
    expect(deals.length).toBeGreaterThan(0);
    expect(deals.every((d) => d.ownerId === orgA.reps[0].id)).toBe(true);
  });

  it('answers a malformed or expired token with 401, without saying whether the deal exists', async () => {
    const forged = tokens.admin!.slice(0, -4) + 'AAAA';
    const response = await request(t.baseUrl).get(`/api/deals/${dealA.id}`).set('Authorization', `Bearer ${forged}`).expect(401);
    expect(response.body.message).toBe('authorization: missing, malformed or expired credential');
    await request(t.baseUrl).get('/api/deals/3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f').set('Authorization', `Bearer ${forged}`).expect(401);
  });

  it('rotates refresh tokens and revokes the family when an old one is replayed', async () => {
    const first = (await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: 'a long enough password' }).expect(200)).body;
    const second = (await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const replay = await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(replay.body.message).toMatch(/already used/);
    await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
  });

  it('logs out by revoking the refresh token', async () => {
    const pair = (await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: 'a long enough password' }).expect(200)).body;
    await request(t.baseUrl).post('/api/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
    await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('stores passwords with argon2id and credentials only as hashes', async () => {
    const [user] = await t.db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = 'ayu@example.co.id'");
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const keys = await t.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys');
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k.key_hash) && !Object.values(tokens).includes(k.key_hash))).toBe(true);
    const [display] = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM displays WHERE id = $1', [displayId]);
    expect(display.token_hash).not.toBe(tokens.display);
  });

  describe('TV pairing', () => {
    it('shows an 8-character code without look-alike characters, valid 10 minutes', async () => {
      const start = (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;
      expect(start.userCode).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{8}$/);
      expect(start.expiresIn).toBe(600);
      expect(start.verificationUriComplete).toContain(start.userCode);
      const pending = await request(t.baseUrl).post('/api/pairing/token').send({ deviceCode: start.deviceCode }).expect(200);
      expect(pending.body).toEqual({ status: 'authorization_pending' });
    });

    it('hands the display credential over once', async () => {
      const start = (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;
      await as('admin').post('/api/pairing/approve').send({ userCode: start.userCode.toLowerCase(), name: 'Kitchen TV' }).expect(201);
      const first = await request(t.baseUrl).post('/api/pairing/token').send({ deviceCode: start.deviceCode }).expect(200);
      expect(first.body).toMatchObject({ status: 'approved', displayToken: expect.stringMatching(/^sbd_/) });
      await new Promise((r) => setTimeout(r, 1600));
      const again = await request(t.baseUrl).post('/api/pairing/token').send({ deviceCode: start.deviceCode }).expect(200);
      expect(again.body).toEqual({ status: 'expired_token' });
    });

    it('refuses an expired code', async () => {
      const start = (await request(t.baseUrl).post('/api/pairing').expect(201)).body as PairingStart;
      await t.db.query("UPDATE pairing_requests SET expires_at = now() - interval '1 second' WHERE user_code = $1", [start.userCode]);
      const response = await as('admin').post('/api/pairing/approve').send({ userCode: start.userCode, name: 'Old TV' }).expect(400);
      expect(response.body.message).toMatch(/^userCode: no TV is waiting/);
    });

    it('throttles the 11th wrong guess within a minute', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const response = await as('manager')
          .post('/api/pairing/approve')
          .send({ userCode: 'ACDEFGH' + 'ACDEFGHJKM'[i % 10], name: 'Guess' });
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 9).every((s) => s === 400)).toBe(true);
      expect(statuses[10]).toBe(429);
    });

    it('disconnects a revoked display within a second, and refuses its credential after', async () => {
      const socket = connectLive(t.baseUrl, { token: tokens.display! });
      await socket.waitForSnapshot();
      const disconnected = new Promise<number>((resolve) => socket.socket.once('disconnect', () => resolve(Date.now())));
      const revokedAt = Date.now();
      await as('admin').delete(`/api/displays/${displayId}`).expect(200);
      expect((await disconnected) - revokedAt).toBeLessThan(1000);
      await as('display').get('/api/deals').expect(401);
    });
  });

  describe('the socket edge', () => {
    it('refuses a handshake without a credential', async () => {
      const client = connectLive(t.baseUrl);
      const error = await new Promise<Error>((resolve) => client.socket.once('connect_error', resolve));
      expect(error.message).toMatch(/^unauthorized/);
      client.close();
    });

    it('refuses a cross-site handshake even with a valid token', async () => {
      const { io } = await import('socket.io-client');
      const socket = io(`${t.baseUrl}/live`, {
        path: '/socket.io',
        transports: ['websocket'],
        auth: { token: tokens.admin },
        extraHeaders: { Origin: 'https://evil.example.com' },
        reconnection: false,
        forceNew: true,
      });
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error).toBeDefined();
      expect(socket.connected).toBe(false);
      socket.close();
    });

    it('accepts a same-origin browser handshake', async () => {
      const { io } = await import('socket.io-client');
      const socket = io(`${t.baseUrl}/live`, {
        path: '/socket.io',
        transports: ['websocket'],
        auth: { token: tokens.rep },
        extraHeaders: { Origin: t.baseUrl },
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.close();
    });

    it('answers an invalid message with an error naming the field, and a display cannot write over REST', async () => {
      const client = connectLive(t.baseUrl, { token: tokens.rep! });
      await client.waitForSnapshot();
      const bad = await client.socket.timeout(2000).emitWithAck('resync', { since: 'yesterday' } as unknown as { since: number });
      expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^since: /) });
      client.close();
    });
  });
});
