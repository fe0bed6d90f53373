/**
 * The general REST limit: per credential for whoever signed in, per address for everyone else,
 * with 429 and Retry-After, and never on the routes a load balancer or Prometheus polls.
 */
import request from 'supertest';
import { bootTestApp, type TestApp } from './support/app.js';
import { createOrg } from './support/fixtures.js';

const PER_CREDENTIAL = 12;
const PER_ADDRESS = 8;

describe('REST rate limits', () => {
  let t: TestApp;
  let repToken: string;

  beforeAll(async () => {
    t = await bootTestApp({ RATE_LIMIT_PER_MINUTE: String(PER_CREDENTIAL), RATE_LIMIT_IP_PER_MINUTE: String(PER_ADDRESS) });
    const org = await createOrg(t.keyApi, 1);
    const password = 'a long enough password';
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', password, role: 'rep', repId: org.reps[0].id }).expect(201);
    repToken = (await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password }).expect(200)).body.accessToken;
  });
  afterAll(async () => t.close());

  it('refuses a credential past its allowance with 429, Retry-After and a message that says so, and leaves other credentials alone', async () => {
    const first = await t.api.get('/api/deals').expect(200);
    expect(first.headers['ratelimit-limit']).toBe(String(PER_CREDENTIAL));
    const remaining = Number(first.headers['ratelimit-remaining']);
    expect(remaining).toBeLessThan(PER_CREDENTIAL);
    for (let i = 0; i < remaining; i++) await t.api.get('/api/deals').expect(200);

    const refused = await t.api.get('/api/deals').expect(429);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/^rate limit: too many requests from this credential, retry in \d+ s$/),
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Ayu is on the same address but has an allowance of her own.
    await request(t.baseUrl).get('/api/deals').set('Authorization', `Bearer ${repToken}`).expect(200);
  });

  it('gives an API key ten times a person’s allowance', async () => {
    const response = await t.keyApi.get('/api/stages').expect(200);
    expect(response.headers['ratelimit-limit']).toBe(String(PER_CREDENTIAL * 10));
  });

  it('counts requests without a credential, failed ones included, by address', async () => {
    const first = await request(t.baseUrl).get('/api/deals').expect(401);
    expect(first.headers['ratelimit-limit']).toBe(String(PER_ADDRESS));
    const remaining = Number(first.headers['ratelimit-remaining']);
    for (let i = 0; i < remaining; i++) await request(t.baseUrl).get('/api/deals').set('Authorization', 'Bearer forged.token.here').expect(401);
    const refused = await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: 'guess' }).expect(429);
    expect(refused.body.message).toMatch(/^rate limit: too many requests from this address/);
  });

  it('never limits health checks and metrics scrapes', async () => {
    for (let i = 0; i < PER_ADDRESS * 2; i++) {
      await request(t.baseUrl).get('/api/health/live').expect(200);
      await request(t.baseUrl).get('/metrics').expect(200);
    }
  });
});

describe('sign-in throttling', () => {
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

  it('counts wrong passwords only: a person signing in all day is never locked out, the 6th wrong guess in 15 minutes is', async () => {
    for (let i = 0; i < 15; i++) await request(t.baseUrl).post('/api/auth/login').send(ayu).expect(200);
    for (let i = 0; i < 5; i++)
      await request(t.baseUrl)
        .post('/api/auth/login')
        .send({ ...ayu, password: `guess ${i}` })
        .expect(401);
    const refused = await request(t.baseUrl)
      .post('/api/auth/login')
      .send({ ...ayu, password: 'guess 5' })
      .expect(429);
    expect(refused.body.message).toMatch(/^login: too many failed sign-ins for this account from this address, retry in \d+ s$/);
    // Locked for the rest of the window from this address, even with the right password: a guesser learns nothing from it.
    await request(t.baseUrl).post('/api/auth/login').send(ayu).expect(429);
  });
});
