/**
 * The load's clients, spread over worker processes (swarm-worker.mjs) so that receiving does
 * not queue behind one event loop. The driver talks to them over IPC; their pids go into the
 * CPU report as "swarm".
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { call, endChild, track } from './children.mjs';
import { addScreenStats, screenStats } from './screen-client.mjs';

const WORKER = fileURLToPath(new URL('./swarm-worker.mjs', import.meta.url));

export function startSwarm(size) {
  const workers = Array.from({ length: size }, () => track(fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
  const all = (op, args, timeoutMs) => Promise.all(workers.map((w) => call(w, op, args, { timeoutMs })));
  const sum = (results, key) => results.reduce((n, r) => n + r[key], 0);
  let total = 0;

  return {
    pids: () => workers.map((w) => w.pid),
    get size() {
      return total;
    },
    /** Adds `count` clients (split evenly), each connecting with auth since = `since`. */
    async connect(url, count, { since, timeoutMs = 120_000 } = {}) {
      const shares = workers.map((_, i) => Math.floor(count / workers.length) + (i < count % workers.length ? 1 : 0));
      const results = await Promise.all(
        workers.map((w, i) => call(w, 'connect', { url, count: shares[i], since, sampled: true, timeoutMs }, { timeoutMs: timeoutMs + 5000 })),
      );
      total += count;
      return {
        connected: sum(results, 'connected'),
        failed: sum(results, 'failed'),
        ms: Math.max(...results.map((r) => r.ms)),
        error: results.find((r) => r.error)?.error ?? null,
      };
    },
    /**
     * Adds one screen per spec (screen-model.mjs), split evenly; each makes its REST calls
     * against `baseUrl` with its own credential (`spec.token`).
     */
    async connectScreens(url, baseUrl, specs, { timeoutMs = 180_000 } = {}) {
      const shares = workers.map((_, i) => specs.filter((__, j) => j % workers.length === i));
      const results = await Promise.all(
        workers.map((w, i) => call(w, 'connect', { url, baseUrl, specs: shares[i], parallel: 20, timeoutMs }, { timeoutMs: timeoutMs + 5000 })),
      );
      total += specs.length;
      return {
        connected: sum(results, 'connected'),
        failed: sum(results, 'failed'),
        ms: Math.max(...results.map((r) => r.ms)),
        error: results.find((r) => r.error)?.error ?? null,
      };
    },
    /** The screens' counters, summed over the workers (screen-client.mjs screenStats). */
    async screenCounters() {
      const results = await all('screenCounters');
      return results.reduce(addScreenStats, screenStats());
    },
    async closeAll() {
      await all('closeAll', {}, 30_000);
      total = 0;
    },
    track: (on) => all('track', { on }),
    /** Per seq over all clients: how many have it, and when the first and the last got it. */
    async collect() {
      const results = await all('collect');
      const stats = new Map();
      const samples = new Map();
      for (const r of results) {
        for (const [seq, count, first, last] of r.stats) {
          const s = stats.get(seq);
          if (s) {
            s.count += count;
            s.first = Math.min(s.first, first);
            s.last = Math.max(s.last, last);
          } else stats.set(seq, { count, first, last });
        }
        for (const [seq, key] of r.samples) samples.set(seq, key);
      }
      return { stats, samples };
    },
    async counters() {
      const results = await all('counters');
      return Object.fromEntries(Object.keys(results[0]).map((key) => [key, sum(results, key)]));
    },
    reconnect: (enabled) => all('reconnect', { enabled }),
    expect: (seq) => all('expect', { seq }),
    async resynced() {
      const results = await all('resynced');
      return { count: sum(results, 'count'), times: results.flatMap((r) => r.times) };
    },
    stop: () => Promise.all(workers.map((w) => endChild(w, 2000))),
  };
}
