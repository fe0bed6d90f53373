/**
 * Measurement hook preloaded (`node --expose-gc --import probe.mjs`) into the Salesboard
 * server and the reference server alike, so both are measured by the same instrument without
 * changing the server's code: event-loop delay, heap/RSS after a forced GC, and (with
 * `--profile`) a CPU profile summary, over IPC. It does nothing unless started with an IPC
 * channel, and never keeps the process alive.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { summarizeProfile } from './profile-summary.mjs';

if (process.send) {
  // 10 ms resolution: the same as prom-client's default monitor, so the figures compare.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  let session = null;
  // Garbage-collection pauses since the last reset, by kind: what an event-loop stall was, if it was one.
  const GC_KINDS = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
  let gcPauses = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push({ kind: GC_KINDS[entry.detail?.kind] ?? 'other', ms: entry.duration });
  }).observe({ entryTypes: ['gc'] });
  // How much of each stall was the machine's: the main thread's time on the run queue (runnable,
  // no core free) from /proc, next to a 10 ms timer's lateness. A delay that waiting for a core
  // explains is the shared machine's; what is left is the process's own work.
  const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
  const runQueueNs = () => {
    try {
      return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]);
    } catch {
      return NaN;
    }
  };
  let lateness = [];
  let tick = { at: performance.now(), queued: runQueueNs() };
  setInterval(() => {
    const now = { at: performance.now(), queued: runQueueNs() };
    const lateMs = Math.max(0, now.at - tick.at - 10);
    const queuedMs = (now.queued - tick.queued) / 1e6;
    if (lateness.length < 100_000) lateness.push({ lateMs, ownMs: Number.isNaN(queuedMs) ? lateMs : Math.max(0, lateMs - queuedMs), queuedMs });
    tick = now;
  }, 10).unref();
  const p99 = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? ms(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] * 1e6) : null;
  };
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

  const handlers = {
    'eld-reset': () => {
      delay.reset();
      lateness = [];
      gcPauses = [];
      return true;
    },
    gc: () => {
      const byKind = {};
      for (const { kind, ms: pause } of gcPauses) {
        const k = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
        k.count++;
        k.totalMs += pause;
        k.maxMs = Math.max(k.maxMs, pause);
      }
      for (const k of Object.values(byKind)) {
        k.totalMs = Math.round(k.totalMs * 10) / 10;
        k.maxMs = Math.round(k.maxMs * 10) / 10;
      }
      return byKind;
    },
    eld: () => ({
      p50Ms: ms(delay.percentile(50)),
      p99Ms: ms(delay.percentile(99)),
      maxMs: ms(delay.max),
      meanMs: ms(delay.mean),
      // A 10 ms timer's lateness, then the same less the main thread's wait for a core in that tick.
      timerLateP99Ms: p99(lateness.map((l) => l.lateMs)),
      timerLateOwnP99Ms: p99(lateness.map((l) => l.ownMs)),
      runQueueMs: Math.round(lateness.reduce((n, l) => n + (Number.isNaN(l.queuedMs) ? 0 : l.queuedMs), 0)),
    }),
    memory: () => {
      const gc = globalThis.gc;
      // Twice: the first pass can leave garbage that only a second full GC frees (weak refs, finalizers).
      if (gc) {
        gc();
        gc();
      }
      return { ...process.memoryUsage(), gcForced: Boolean(gc) };
    },
    'profile-start': async () => {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      return true;
    },
    'profile-stop': async () => {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      session = null;
      // BENCH_PROFILE_DIR keeps the whole profile too, to open in Chrome DevTools (Performance).
      const dir = process.env.BENCH_PROFILE_DIR;
      if (dir) writeFileSync(join(dir, `${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      return summarizeProfile(profile);
    },
  };

  process.on('message', async (message) => {
    if (!message || message.tag !== 'probe') return;
    const handler = handlers[message.op];
    try {
      if (!handler) throw new Error(`unknown probe op ${message.op}`);
      process.send?.({ tag: 'probe', id: message.id, result: await handler() });
    } catch (error) {
      process.send?.({ tag: 'probe', id: message.id, error: String(error) });
    }
  });
  // Adding the listener refs the channel; the host process must still exit on its own terms.
  process.channel?.unref();
}
