/**
 * Every process the bench starts is registered here, so a failure anywhere (or Ctrl-C) still
 * ends them; and a tiny request/answer protocol over the IPC channel to talk to them.
 */
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const children = new Set();

export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Ends what is still running, by pid, the way it was started: SIGTERM, then SIGKILL. */
export async function endAll(graceMs = 3000) {
  const running = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(running.map((child) => endChild(child, graceMs)));
}

export function endChild(child, graceMs = 3000, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** Last resort on process exit: synchronous, so only signals. */
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

let nextId = 1;

/**
 * Calls `op` in a child over IPC and waits for its answer `{ id, result | error }`.
 * `tag` separates protocols sharing a channel (the probe inside the server uses `probe`).
 */
export function call(child, op, args = {}, { timeoutMs = 60_000, tag = 'bench' } = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (!child.connected) return reject(new Error(`${op}: child ${child.pid} is not connected`));
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`${op}: no answer from ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    function onMessage(message) {
      if (!message || message.tag !== tag || message.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (message.error) reject(new Error(`${op}: ${message.error}`));
      else resolve(message.result);
    }
    child.on('message', onMessage);
    child.send({ tag, id, op, ...args });
  });
}

/** The child side of `call`: answers each request with what `handlers[op]` returns. */
export function serve(handlers, tag = 'bench') {
  process.on('message', async (message) => {
    if (!message || message.tag !== tag) return;
    try {
      const handler = handlers[message.op];
      if (!handler) throw new Error(`unknown op ${message.op}`);
      const result = await handler(message);
      process.send?.({ tag, id: message.id, result: result ?? null });
    } catch (error) {
      process.send?.({ tag, id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/** Keeps the last lines a child printed, for the error message when it fails. */
export function captureOutput(child, keep = 200) {
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      // BENCH_CHILD_LOG keeps every line, stamped with the wall clock in ms: a --trace-gc line then lines up with a stall.
      if (process.env.BENCH_CHILD_LOG) appendFileSync(process.env.BENCH_CHILD_LOG, `${Date.now()} ${child.pid} ${line}\n`);
      if (lines.length > keep) lines.shift();
    });
  }
  return () => lines.join('\n');
}
