/**
 * Sessions, credentials at rest, TV pairing and the socket edge, with real logins, tokens, a
 * really paired display and real API keys. Who may call which route and send which socket
 * message, for every role, is the matrix of access-matrix.e2e-spec.ts.
 */
import request from 'supertest';
import type { Deal, PairingStart } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { approvePairing, type Cast, castOfRoles } from './support/cast.js';
import { connectLive } from './support/live-client.js';

describe('access control', () => {
  let t: TestApp;
  let c: Cast;
  let tokens: Cast['tokens'];
  let displayId: string;
  const as: Cast['as'] = (who) => c.as(who);

  beforeAll(async () => {
    t = await bootTestApp();
    c = await castOfRoles(t);
    tokens = c.tokens;
    displayId = c.displayId;
  });
  afterAll(async () => t.close());

  it('lists for a rep only their own deals', async () => {
    const deals = (await as('rep').get('/api/deals').expect(200)).body as Deal[];
    expect(deals.length).toBeGreaterThan(0);
    expect(deals.every((d) => d.ownerId === c.orgA.reps[0].id)).toBe(true);
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

    it('never throttles codes that pair a TV: an admin sets up twelve in a minute', async () => {
      for (let i = 0; i < 12; i++) await approvePairing(t.baseUrl, t.adminToken, `Lobby TV ${i + 1}`);
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
