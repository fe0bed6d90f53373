#!/usr/bin/env node
/**
 * `node bench/http-adapter.mjs [--node=/path/to/node,/other/node] [--rounds=3] [--seconds=8]`:
 * what Nest's HTTP layer costs per request on @nestjs/platform-express against
 * @nestjs/platform-fastify, on one or more Node binaries. Each measurement starts a fresh
 * bench/lib/http-adapter-app.mjs (one guarded POST JSON route, no I/O), warms it up, then keeps
 * 32 requests in flight with the bench's own keep-alive client and reads the child's CPU time
 * from /proc. Rounds alternate node × adapter (A/B/A/B), so a noisy neighbour on a shared
 * machine hits both sides alike; the table gives the median round and the JSON every round.
 *
 * It bounds what porting the app to Fastify could gain; it does not port anything.
 * Writes bench/results/http-adapter.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { captureOutput, endAll, endChild, track } from './lib/children.mjs';
import { nowMs } from './lib/clock.mjs';
import { cpuMeter, cpuSeconds } from './lib/cpu.mjs';
import { httpClient } from './lib/http.mjs';
import { freePort } from './lib/launch.mjs';
import { ratio, round, summarize } from './lib/stats.mjs';

const APP = fileURLToPath(new URL('./lib/http-adapter-app.mjs', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/http-adapter.json', import.meta.url));
const ADAPTERS = ['express', 'fastify'];
const CONCURRENCY = 32;

const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const nodes = option('node', process.execPath).split(',');
const rounds = Number(option('rounds', 3));
const seconds = Number(option('seconds', 8));
const warmupSec = Number(option('warmup', 3));

const versionOf = (node) => execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();

async function startApp(node, adapter) {
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  const child = track(
    spawn(node, [APP], { env: { ...process.env, HTTP_ADAPTER: adapter, PORT: String(port), TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }),
  );
  const output = captureOutput(child);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${adapter} on ${node} not ready in 30 s:\n${output()}`)), 30_000);
    child.once('message', () => resolve(clearTimeout(timer)));
    child.once('exit', (code) => reject(new Error(`${adapter} on ${node} exited with ${code}:\n${output()}`)));
  });
  const http = httpClient(`http://127.0.0.1:${port}`);
  http.setToken(token);
  return { child, http };
}

/** `CONCURRENCY` lanes, each posting the next request as soon as the last one is answered. */
async function closedLoop(http, durationSec) {
  const until = nowMs() + durationSec * 1000;
  const latencies = [];
  let failed = 0;
  const lanes = Array.from({ length: CONCURRENCY }, async (_, lane) => {
    for (let i = 0; nowMs() < until; i++) {
      const res = await http.post(`/api/deals/${lane * 1_000_000 + i}/stage`, { stage: 'proposal' });
      if (res.status === 200 && res.json?.accepted) latencies.push(res.ms);
      else if (++failed === 1) console.warn(`  request failed: ${res.status} ${res.text.slice(0, 200)}`);
    }
  });
  await Promise.all(lanes);
  return { latencies, failed };
}

async function measure(node, adapter) {
  const { child, http } = await startApp(node, adapter);
  try {
    await closedLoop(http, warmupSec);
    const meter = cpuMeter({ app: () => [child.pid], driver: () => [process.pid] });
    const cpuBefore = cpuSeconds([child.pid]);
    const startedAt = nowMs();
    const { latencies, failed } = await closedLoop(http, seconds);
    const wallSec = (nowMs() - startedAt) / 1000;
    const cpuSec = cpuSeconds([child.pid]) - cpuBefore;
    const http_ = summarize(latencies);
    return {
      perSec: round(latencies.length / wallSec, 1),
      cpuUsPerRequest: round((cpuSec * 1e6) / Math.max(1, latencies.length), 1),
      p50Ms: round(http_.p50),
      p99Ms: round(http_.p99),
      requests: latencies.length,
      failed,
      cores: meter.stop(),
    };
  } finally {
    http.close();
    await endChild(child, 3000);
  }
}

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)];
};

async function main() {
  const versions = Object.fromEntries(nodes.map((node) => [node, versionOf(node)]));
  const results = {
    date: new Date().toISOString(),
    machine: { nproc: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? null, loadAvgAtStart: os.loadavg().map((v) => round(v)) },
    driverNode: process.version,
    concurrency: CONCURRENCY,
    seconds,
    warmupSec,
    rounds: [],
  };
  for (let r = 0; r < rounds; r++) {
    for (const node of nodes) {
      for (const adapter of ADAPTERS) {
        const row = { round: r + 1, node: versions[node], adapter, ...(await measure(node, adapter)) };
        results.rounds.push(row);
        console.log(
          `round ${row.round} ${row.node} ${adapter.padEnd(7)} ${row.perSec} req/s, ${row.cpuUsPerRequest} µs CPU/req, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, others ${row.cores.others} cores`,
        );
      }
    }
  }
  results.machine.loadAvgAtEnd = os.loadavg().map((v) => round(v));
  results.summary = Object.values(versions).map((node) => {
    const rowsOf = (adapter) => results.rounds.filter((row) => row.node === node && row.adapter === adapter);
    const of = (adapter, key) => round(median(rowsOf(adapter).map((row) => row[key])), 1);
    // Each round's fastify against the express measured just before it: a neighbour's load
    // that comes and goes hits a pair alike, so the median of paired ratios is the steadier one.
    const paired = (key) => ratio(median(rowsOf('fastify').map((row, i) => row[key] / rowsOf('express')[i][key])), 1);
    const figures = Object.fromEntries(
      ADAPTERS.map((adapter) => [adapter, { perSec: of(adapter, 'perSec'), cpuUsPerRequest: of(adapter, 'cpuUsPerRequest'), p99Ms: of(adapter, 'p99Ms') }]),
    );
    return {
      node,
      ...figures,
      fastifyOverExpress: {
        perSec: paired('perSec'),
        cpuUsPerRequest: paired('cpuUsPerRequest'),
      },
    };
  });
  console.log(
    `\nmedians of ${rounds} rounds, ${CONCURRENCY} in flight, ${seconds} s each (load ${results.machine.loadAvgAtStart.join(' / ')} → ${results.machine.loadAvgAtEnd.join(' / ')}):`,
  );
  console.log('| node | adapter | req/s | CPU µs/req | p99 ms |\n| --- | --- | --- | --- | --- |');
  for (const s of results.summary) {
    for (const adapter of ADAPTERS) console.log(`| ${s.node} | ${adapter} | ${s[adapter].perSec} | ${s[adapter].cpuUsPerRequest} | ${s[adapter].p99Ms} |`);
    console.log(`| ${s.node} | fastify ÷ express (median of paired rounds) | ${s.fastifyOverExpress.perSec} | ${s.fastifyOverExpress.cpuUsPerRequest} | |`);
  }
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS}`);
}

try {
  await main();
} finally {
  await endAll();
}
