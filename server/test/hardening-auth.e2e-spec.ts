/**
 * Issue #13, the items about credentials: a refresh token raced by concurrent refreshes, an
 * Idempotency-Key repeated by another caller, and sign-in throttling that stops a spray from one
 * address without letting a guesser lock a user out.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import type { Deal } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { type Cast, castOfRoles, CAST_PASSWORD } from './support/cast.js';
import { createOrg } from './support/fixtures.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('refresh token reuse under concurrency', () => {
  let t: TestApp;
  const ayu = { email: 'ayu@example.co.id', password: 'a long enough password' };

  beforeAll(async () => {
    t = await bootTestApp();
    const org = await createOrg(t.keyApi, 1);
    await t.api
      .post('/api/users')
      .send({ ...ayu, name: 'Ayu', role: 'rep', repId: org.reps[0].id })
      .expect(201);
  });
  afterAll(async () => t.close());

  it('lets exactly one of eight concurrent refreshes with one token win, and the losers sign the whole login out', async () => {
    for (let round = 0; round < 6; round++) {
      const login = (await request(t.baseUrl).post('/api/auth/login').send(ayu).expect(200)).body as { refreshToken: string };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: login.refreshToken })),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
      const winner = answers.find((a) => a.status === 200)!.body as { refreshToken: string };

      // The chain the winner started is dead too: a thief who raced the owner keeps nothing.
      const afterwards = await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: winner.refreshToken }).expect(401);
      expect(afterwards.body.message).toMatch(/^refreshToken: /);
      const live = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM refresh_tokens
          WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`,
        [sha256(login.refreshToken)],
      );
      expect(live[0].n).toBe(0);
    }
  });

  it('still rotates a token refreshed once, without signing anyone out', async () => {
    const login = (await request(t.baseUrl).post('/api/auth/login').send(ayu).expect(200)).body as { refreshToken: string };
    const next = (await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: login.refreshToken }).expect(200)).body as { refreshToken: string };
    await request(t.baseUrl).post('/api/auth/refresh').send({ refreshToken: next.refreshToken }).expect(200);
  });
});

describe('Idempotency-Key scoped to the caller', () => {
  let t: TestApp;
  let c: Cast;
  const dealRow = async (id: string) =>
    (await t.db.query<{ amount: string; owner_id: string }>('SELECT amount::text AS amount, owner_id FROM deals WHERE id = $1', [id]))[0];

  beforeAll(async () => {
    t = await bootTestApp();
    c = await castOfRoles(t);
  });
  afterAll(async () => t.close());

  it("refuses another team's rep who repeats a rep's key on that rep's deal with 403, not the first answer, and writes nothing", async () => {
    const key = 'shared-key-1';
    const body = { amount: '777000000' };
    const first = await c.as('rep').patch(`/api/deals/${c.dealA.id}`).set('Idempotency-Key', key).send(body).expect(200);
    expect((first.body as Deal).amount).toBe('777000000.00');
    const before = await dealRow(c.dealA.id);

    const stranger = await c.as('otherRep').patch(`/api/deals/${c.dealA.id}`).set('Idempotency-Key', key).send(body).expect(403);
    expect(stranger.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/^authorization: /) });
    expect(await dealRow(c.dealA.id)).toEqual(before);

    // The same key on the stranger's own deal is a request of theirs, answered with their deal.
    const own = await c.as('otherRep').patch(`/api/deals/${c.dealB.id}`).set('Idempotency-Key', key).send(body).expect(200);
    expect(own.body).toMatchObject({ id: c.dealB.id, ownerId: c.repB.id, amount: '777000000.00' });

    // And the first caller's repeat still gets the first answer.
    const again = await c.as('rep').patch(`/api/deals/${c.dealA.id}`).set('Idempotency-Key', key).send(body).expect(200);
    expect(again.body).toEqual(first.body);
  });

  it('keeps one caller’s key out of another’s reach even when both may write the deal: an admin repeating it makes a request of their own', async () => {
    const key = 'shared-key-2';
    await c.as('rep').patch(`/api/deals/${c.dealA.id}`).set('Idempotency-Key', key).send({ name: 'Ayu renamed it' }).expect(200);
    // A different body under someone else's key is not a 422 about a request the admin never made.
    const admin = await c.as('admin').patch(`/api/deals/${c.dealA.id}`).set('Idempotency-Key', key).send({ name: 'The admin renamed it' }).expect(200);
    expect(admin.body).toMatchObject({ id: c.dealA.id, name: 'The admin renamed it' });
  });
});

describe('sign-in throttling per account and per address', () => {
  let t: TestApp;
  const ayu = { email: 'ayu@example.co.id', password: 'a long enough password' };
  const from = (address: string) => ({
    login: (body: { email: string; password: string }) => request(t.baseUrl).post('/api/auth/login').set('X-Forwarded-For', address).send(body),
  });

  beforeAll(async () => {
    // Behind one proxy, as in the compose file: the client's address comes from X-Forwarded-For.
    t = await bootTestApp({ TRUST_PROXY_HOPS: '1' });
    const org = await createOrg(t.keyApi, 1);
    await t.api
      .post('/api/users')
      .send({ ...ayu, name: 'Ayu', role: 'rep', repId: org.reps[0].id })
      .expect(201);
  });
  afterAll(async () => t.close());

  it('stops a spray of many emails from one address after 50 failures, with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let refusal: request.Response | null = null;
    // 60 rather than the 200: past the 51st every attempt is refused anyway, and before
    // the fix each one cost an argon2 verification.
    for (let i = 0; i < 60; i++) {
      const response = await from('203.0.113.10').login({ email: `someone${i}@example.co.id`, password: CAST_PASSWORD });
      statuses.push(response.status);
      refusal ??= response.status === 429 ? response : null;
    }
    const firstRefused = statuses.indexOf(429);
    expect(firstRefused).toBe(50);
    expect(statuses.slice(firstRefused).every((s) => s === 429)).toBe(true);
    expect(refusal!.body.message).toMatch(/^login: too many failed sign-ins from this address, retry in \d+ s$/);
    expect(Number(refusal!.headers['retry-after'])).toBeGreaterThan(0);

    // Ayu, elsewhere, is not affected by the spray.
    await from('198.51.100.20').login(ayu).expect(200);
    // Fifty argon2 verifications on a shared two-core machine: more than the default minute.
  }, 180_000);

  it('throttles guesses at one account from one address after a few, without locking the account out from anywhere else', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await from('203.0.113.30').login({ ...ayu, password: `guess ${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const refused = await from('203.0.113.30')
      .login({ ...ayu, password: 'guess 10' })
      .expect(429);
    expect(refused.body.message).toMatch(/^login: too many failed sign-ins for this account from this address, retry in \d+ s$/);

    // Ayu herself, from her own address, signs in with her password.
    await from('198.51.100.30').login(ayu).expect(200);
    // Another account from the guesser's address is only counted towards the address's larger allowance.
    await from('203.0.113.30').login({ email: 'nobody@example.co.id', password: 'guess' }).expect(401);
  });
});
