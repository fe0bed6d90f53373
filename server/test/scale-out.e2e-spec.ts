/**
 * Several server processes on one PostgreSQL: each delivers every event to its own clients,
 * and a node killed with -9 and restarted brings its clients back to exactly the database's
 * state. Real child processes, real sockets, real PostgreSQL.
 */
import type { Deal } from '@salesboard/shared';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { createOrg, type Org } from './support/fixtures.js';
import { LiveMirror } from './support/live-mirror.js';
import { serverProcess, type ServerProcess } from './support/server-process.js';

async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scale-out: two nodes on one PostgreSQL', () => {
  let db: TestDatabase;
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  let redisA: ServerProcess;
  let redisB: ServerProcess;
  let org: Org;
  const mirrors: LiveMirror[] = [];
  const head = async () => Number((await db.query<{ seq: string }>('SELECT seq FROM event_seq'))[0].seq);

  beforeAll(async () => {
    db = await createTestDatabase();
    nodeA = await serverProcess(db.url);
    await nodeA.start(); // runs the migrations once, before the second node starts
    nodeB = await serverProcess(db.url);
    await nodeB.start();
    const redis = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
    [redisA, redisB] = [await serverProcess(db.url, redis), await serverProcess(db.url, redis)];
    await Promise.all([redisA.start(), redisB.start()]);
    org = await createOrg(nodeA.api, 4);
  });

  afterAll(async () => {
    mirrors.forEach((m) => m.close());
    await Promise.all([nodeA, nodeB, redisA, redisB].map((node) => node?.kill('SIGTERM')));
    await db?.drop();
  });

  it.each([
    ['without Redis', () => [nodeA, nodeB]],
    ['with the socket.io Redis adapter', () => [redisA, redisB]],
  ])('delivers every change, wherever it was posted, to every client once and in seq order (%s)', async (_, nodes) => {
    const [first, second] = nodes();
    const start = await head();
    const onA = Array.from({ length: 10 }, () => new LiveMirror(first.baseUrl, first.token));
    const onB = Array.from({ length: 10 }, () => new LiveMirror(second.baseUrl, second.token));
    mirrors.push(...onA, ...onB);
    await until(() => [...onA, ...onB].every((m) => m.socket.connected && m.snapshots === 1), 10_000, 'clients to connect');

    for (let i = 0; i < 20; i++) {
      const node = i % 2 === 0 ? first : second;
      await node.api
        .post('/api/deals')
        .send({ name: `Deal ${i}`, ownerId: org.reps[i % 4].id, amount: 1000 + i })
        .expect(201);
    }
    const end = await head();
    expect(end).toBe(start + 20);
    await until(() => [...onA, ...onB].every((m) => m.lastSeq === end), 10_000, 'every client to reach the head');
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would arrive now
    for (const mirror of [...onA, ...onB]) {
      expect(mirror.applied).toEqual(Array.from({ length: 20 }, (_, i) => start + i + 1));
      expect(mirror.duplicates).toBe(0);
    }
  });

  it('brings 200 clients of a node killed with -9 back to the database state', async () => {
    const clients = Array.from({ length: 200 }, () => new LiveMirror(nodeA.baseUrl, nodeA.token));
    mirrors.push(...clients);
    await until(() => clients.every((m) => m.socket.connected && m.snapshots === 1), 20_000, '200 clients to connect');
    const firstSeq = await head();

    const deals: Deal[] = [];
    for (let i = 0; i < 30; i++) {
      deals.push(
        (
          await nodeB.api
            .post('/api/deals')
            .send({ name: `Stream ${i}`, ownerId: org.reps[i % 4].id, amount: 500000 + i })
            .expect(201)
        ).body as Deal,
      );
    }
    // Changes stream into node B at about 50 a second while node A dies and comes back.
    const stages = ['qualified', 'demo', 'proposal', 'negotiation', 'won'];
    let writing = true;
    let writes = 0;
    let writesWhileDown = 0;
    let nodeADown = false;
    const writer = (async () => {
      let i = 0;
      while (writing) {
        const deal = deals[i % deals.length];
        const step = Math.floor(i / deals.length);
        i++;
        const next = Date.now() + 20;
        if (step < stages.length) {
          await nodeB.api.post(`/api/deals/${deal.id}/stage`).send({ stage: stages[step] });
        } else {
          await nodeB.api.patch(`/api/deals/${deal.id}`).send({ amount: 600000 + i });
        }
        writes++;
        if (nodeADown) writesWhileDown++;
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    })();

    await new Promise((r) => setTimeout(r, 1000));
    await nodeA.kill('SIGKILL');
    nodeADown = true;
    await new Promise((r) => setTimeout(r, 1000));
    await nodeA.start();
    nodeADown = false;
    await new Promise((r) => setTimeout(r, 1500));
    writing = false;
    await writer;
    // Changes kept streaming in while node A was dead: its clients must catch up on them.
    expect(writesWhileDown).toBeGreaterThan(10);
    expect(writes).toBeGreaterThan(writesWhileDown);

    const end = await head();
    await until(() => clients.every((m) => m.lastSeq === end), 30_000, 'every client to catch up with the database');
    const rows = await db.query<{ id: string; stage: string; amount: string }>('SELECT id, stage, amount::text AS amount FROM deals WHERE name LIKE $1', [
      'Stream %',
    ]);
    const expected = new Map(rows.map((r) => [r.id, { stage: r.stage, amount: Number(r.amount).toFixed(2) }]));
    const leaderboard = (await nodeB.api.get('/api/snapshot').expect(200)).body.leaderboard;
    await until(() => clients.every((m) => JSON.stringify(m.leaderboard) === JSON.stringify(leaderboard)), 10_000, 'every leaderboard to match');
    for (const mirror of clients) {
      expect(mirror.applied).toEqual(Array.from({ length: end - firstSeq }, (_, i) => firstSeq + i + 1));
      expect(mirror.duplicates).toBe(0);
      for (const [id, state] of expected) expect(mirror.deals.get(id)).toEqual(state);
    }
  }, 120_000);
});
