#!/usr/bin/env node
/**
 * `node bench/live-paths.mjs [--quick]`: what the delivery guarantee costs. Two real server
 * processes on one database; stage changes posted to node A. It prints, at p50 and p99:
 *
 * - single node: from the POST to the event on clients of node A (the node that committed);
 * - two nodes: the same event on clients of node B, which learns of it through PostgreSQL;
 * - resync: clients of node B disconnect, changes happen, they reconnect with their last seq;
 *   from the reconnect to the last missed event, next to a fresh connection's first snapshot.
 *
 * Writes bench/results/live-paths.json. Loopback only; every loop is bounded.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { createDatabase, dropAll } from './lib/database.mjs';
import { round, summarize } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
const CLIENTS = quick ? 50 : 200;
const CHANGES = quick ? 30 : 100;
const RESYNC_ROUNDS = quick ? 3 : 10;
const MISSED_PER_ROUND = 20;
const SERVER_MAIN = fileURLToPath(new URL('../server/dist/main.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/live-paths.json', import.meta.url));
const admin = { email: 'bench@salesboard.test', password: randomBytes(18).toString('base64url') };
const secret = randomBytes(48).toString('base64url');
const children = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startNode(databaseUrl) {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SIMULATOR: 'off',
    DEMO_DATA: 'on',
    PUBLIC_READ: 'on',
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    JWT_SECRET: secret,
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
  };
  const child = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${baseUrl}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return baseUrl;
    await sleep(100);
  }
  throw new Error(`server on ${baseUrl} did not become healthy`);
}

/** A client that records when each logged event arrives, and follows the resync protocol. */
function client(baseUrl) {
  const state = { lastSeq: null, arrivals: new Map(), socket: null, snapshotAt: null };
  state.socket = io(`${baseUrl}/live`, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: (cb) => cb(state.lastSeq === null ? {} : { since: state.lastSeq }),
  });
  state.socket.on('snapshot', (snapshot) => {
    state.lastSeq = snapshot.seq;
    state.snapshotAt = performance.now();
  });
  state.socket.on('event', (event) => {
    if (event.type === 'leaderboard.updated' || event.type === 'kpi.updated') return;
    if (state.lastSeq !== null && event.seq !== state.lastSeq + 1) return;
    state.lastSeq = event.seq;
    state.arrivals.set(event.seq, performance.now());
  });
  return state;
}

const connected = (clients) => clients.every((c) => c.socket.connected && c.lastSeq !== null);
async function until(check, ms, what) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main() {
  const database = await createDatabase();
  const nodeA = await startNode(database.url);
  const nodeB = await startNode(database.url);
  const login = await fetch(`${nodeA}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(admin) });
  const { accessToken } = await login.json();
  const post = (path, body) =>
    fetch(`${nodeA}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const deals = await fetch(`${nodeA}/api/deals?stage=lead&limit=1000`).then((r) => r.json());
  const stages = ['qualified', 'lead'];

  const onA = Array.from({ length: CLIENTS }, () => client(nodeA));
  const onB = Array.from({ length: CLIENTS }, () => client(nodeB));
  await until(() => connected(onA) && connected(onB), 30_000, 'clients to connect');

  // Paths: one change at a time, 10 a second, each timed from just before its POST.
  const single = [];
  const twoNode = [];
  for (let i = 0; i < CHANGES; i++) {
    const deal = deals[i % deals.length];
    const headBefore = onA[0].lastSeq;
    const sentAt = performance.now();
    await post(`/api/deals/${deal.id}/stage`, { stage: stages[Math.floor(i / deals.length) % 2] });
    const seq = headBefore + 1;
    await until(() => onA.every((c) => c.arrivals.has(seq)) && onB.every((c) => c.arrivals.has(seq)), 10_000, `event ${seq}`);
    for (const c of onA) single.push(c.arrivals.get(seq) - sentAt);
    for (const c of onB) twoNode.push(c.arrivals.get(seq) - sentAt);
    await sleep(Math.max(0, 100 - (performance.now() - sentAt)));
  }

  // Resync: node B's clients go away, changes happen, they come back with their last seq.
  const resync = [];
  const fresh = [];
  for (let round = 0; round < RESYNC_ROUNDS; round++) {
    for (const c of onB) {
      c.socket.disconnect();
      c.arrivals.clear();
    }
    const before = (await fetch(`${nodeA}/api/health`).then((res) => res.json())).seq;
    for (let i = 0; i < MISSED_PER_ROUND; i++) {
      const deal = deals[(CHANGES + round * MISSED_PER_ROUND + i) % deals.length];
      // Whatever stage the deal is in, one of these two is a move.
      const moved = await post(`/api/deals/${deal.id}/stage`, { stage: 'demo' });
      if (moved.statusCode === 409) await post(`/api/deals/${deal.id}/stage`, { stage: 'proposal' });
    }
    const head = (await fetch(`${nodeA}/api/health`).then((res) => res.json())).seq;
    if (head === before) throw new Error('no change happened while the clients were away');
    const reconnectAt = performance.now();
    for (const c of onB) c.socket.connect();
    await until(() => onB.every((c) => c.lastSeq >= head), 20_000, 'clients to resync');
    for (const c of onB) resync.push(c.arrivals.get(head) - reconnectAt);
    const newcomer = client(nodeB);
    const connectAt = performance.now();
    await until(() => newcomer.snapshotAt !== null, 10_000, 'a fresh snapshot');
    fresh.push(newcomer.snapshotAt - connectAt);
    newcomer.socket.close();
  }
  for (const c of [...onA, ...onB]) c.socket.close();

  const s = summarize(single);
  const t = summarize(twoNode);
  const r = summarize(resync);
  const f = summarize(fresh);
  const results = {
    quick,
    date: new Date().toISOString(),
    clientsPerNode: CLIENTS,
    changes: CHANGES,
    singleNode: { p50Ms: round(s.p50), p99Ms: round(s.p99) },
    twoNode: { p50Ms: round(t.p50), p99Ms: round(t.p99), extraP50Ms: round(t.p50 - s.p50), extraP99Ms: round(t.p99 - s.p99) },
    resync: { missedEvents: MISSED_PER_ROUND, p50Ms: round(r.p50), p99Ms: round(r.p99), freshSnapshotP50Ms: round(f.p50), freshSnapshotP99Ms: round(f.p99) },
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`live paths, ${CLIENTS} clients per node, ${CHANGES} changes at 10/s${quick ? ' (quick)' : ''}`);
  console.log('path                          p50 ms   p99 ms');
  console.log(`single node (POST → event)    ${String(results.singleNode.p50Ms).padStart(6)}   ${String(results.singleNode.p99Ms).padStart(6)}`);
  console.log(
    `two nodes (via PostgreSQL)    ${String(results.twoNode.p50Ms).padStart(6)}   ${String(results.twoNode.p99Ms).padStart(6)}   extra ${results.twoNode.extraP50Ms} / ${results.twoNode.extraP99Ms}`,
  );
  console.log(
    `resync of ${MISSED_PER_ROUND} missed events      ${String(results.resync.p50Ms).padStart(6)}   ${String(results.resync.p99Ms).padStart(6)}   (reconnect → caught up)`,
  );
  console.log(
    `fresh connection → snapshot   ${String(results.resync.freshSnapshotP50Ms).padStart(6)}   ${String(results.resync.freshSnapshotP99Ms).padStart(6)}`,
  );
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
  await sleep(500);
  await dropAll();
}
process.exit(0);
