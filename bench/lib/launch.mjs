/**
 * Starts Node entry points as measured child processes: with the probe preloaded and GC
 * exposed, an IPC channel for the probe, output kept for error messages, and registered for
 * cleanup. Used for the real server (server/dist/main.js) and the reference server.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { call, captureOutput, endChild, track } from './children.mjs';
import { nowMs, sleep } from './clock.mjs';

const PROBE = pathToFileURL(fileURLToPath(new URL('./probe.mjs', import.meta.url))).href;

/** A port nobody listens on right now, on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A restartable measured process. `ready(handle)` resolves once it serves; start() fails with
 * the process's last output when it exits or is not ready in time.
 */
export function measuredProcess({ name, entry, env, ready, readyTimeoutMs = 60_000 }) {
  let child = null;
  let output = () => '';
  const handle = {
    name,
    get pid() {
      return child?.pid ?? null;
    },
    get child() {
      return child;
    },
    get running() {
      return Boolean(child && child.exitCode === null && child.signalCode === null);
    },
    output: () => output(),
    async start() {
      child = track(
        // BENCH_NODE_FLAGS: V8 or Node flags for every measured process (--trace-gc-nvp, a heap setting to try).
        spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--expose-gc', '--import', PROBE, entry], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        }),
      );
      output = captureOutput(child);
      const startedAt = nowMs();
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output().slice(-2000)}`);
        if (await ready(handle).catch(() => false)) return nowMs() - startedAt;
        if (nowMs() - startedAt > readyTimeoutMs) throw new Error(`${name} was not ready within ${readyTimeoutMs} ms:\n${output().slice(-2000)}`);
        await sleep(50);
      }
    },
    /** SIGTERM and wait for the exit (SIGKILL after the grace period). */
    stop(graceMs = 15_000) {
      return child ? endChild(child, graceMs) : Promise.resolve(null);
    },
    probe(op, timeoutMs = 30_000) {
      return call(child, op, {}, { tag: 'probe', timeoutMs });
    },
    call(op, args, timeoutMs) {
      return call(child, op, args, { timeoutMs });
    },
  };
  return handle;
}
