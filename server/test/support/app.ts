/** Boots the real application on a real database, listening on a free port. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { buildConfig, parseEnv } from '../../src/config/app.config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_ADMIN = { email: 'admin@salesboard.test', password: 'correct horse battery staple' };
/** What the test server signs access tokens with: tests mint expired or altered ones with it. */
export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-42';

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  db: TestDatabase;
  /** Requests as the first admin (a real login with a real access token). */
  api: ReturnType<typeof request.agent>;
  adminToken: string;
  /**
   * Requests with an API key (read and write): for tests that move the clock, where a
   * 15-minute access token would expire between two steps of simulated time.
   */
  keyApi: ReturnType<typeof request.agent>;
  apiKey: string;
  close(): Promise<void>;
}

export async function bootTestApp(env: Record<string, string> = {}, db?: TestDatabase): Promise<TestApp> {
  const database = db ?? (await createTestDatabase({ migrated: true }));
  const parsed = parseEnv({
    // Tests provoke errors on purpose (a database stopped mid-write); their logs are noise here.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
    SIMULATOR: 'off',
    DEMO_DATA: 'off',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    JWT_SECRET: TEST_JWT_SECRET,
    // Tests send hundreds of requests a second from one address and one admin; the limit's own test sets its figures.
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    ...env,
    DATABASE_URL: database.url,
  });
  const config = buildConfig(parsed, database.url, false);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const login = await request(baseUrl).post('/api/auth/login').send(TEST_ADMIN);
  if (login.status !== 200) throw new Error(`test admin could not log in: ${login.status} ${JSON.stringify(login.body)}`);
  const adminToken = login.body.accessToken as string;
  const key = await request(baseUrl)
    .post('/api/keys')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ name: 'tests', scopes: ['read', 'write'] });
  if (key.status !== 201) throw new Error(`test API key could not be created: ${key.status}`);
  const apiKey = key.body.key as string;
  return {
    keyApi: request.agent(baseUrl).set('Authorization', `Bearer ${apiKey}`),
    apiKey,
    app,
    baseUrl,
    api: request.agent(baseUrl).set('Authorization', `Bearer ${adminToken}`),
    adminToken,
    db: database,
    close: async () => {
      await app.close();
      if (!db) await database.drop();
    },
  };
}
