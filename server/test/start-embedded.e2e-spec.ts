/**
 * `npm start` on a machine with only Node: no DATABASE_URL, so the built server starts its
 * embedded PostgreSQL, seeds the demo, runs the simulator and serves the wallboard.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, isPortOpen } from '../src/database/embedded.js';

const SERVER_MAIN = resolve(import.meta.dirname, '../dist/main.js');

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm start without DATABASE_URL', () => {
  let server: ChildProcess;
  let dataDir: string;
  let port: number;
  let pgPort: number;
  let output = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'salesboard-start-'));
    [port, pgPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir, SIMULATOR_INTERVAL_MS: '100' };
    delete env.DATABASE_URL;
    server = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('boots the embedded PostgreSQL, seeds the demo and keeps deals moving', async () => {
    const health = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        return response.ok ? ((await response.json()) as { status: string; seq: number }) : undefined;
      },
      60_000,
      `the server to be healthy (output so far: ${output.slice(-500)})`,
    );
    expect(health.status).toBe('ok');

    const deals = (await (await fetch(`http://127.0.0.1:${port}/api/deals?limit=1000`)).json()) as unknown[];
    expect(deals.length).toBeGreaterThanOrEqual(400);
    const reps = (await (await fetch(`http://127.0.0.1:${port}/api/reps`)).json()) as { name: string }[];
    expect(reps).toHaveLength(24);

    // The simulator makes changes by itself: the event log's head moves.
    const moved = await waitFor(
      async () => {
        const now = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { seq: number };
        return now.seq >= health.seq + 3 ? now.seq : undefined;
      },
      10_000,
      'the simulator to make changes',
    );
    expect(moved).toBeGreaterThanOrEqual(health.seq + 3);
  });

  it('serves the wallboard page at /tv', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/tv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/<div id="app">/);
  });

  it('stops on SIGTERM within 10 seconds, embedded PostgreSQL included', async () => {
    const exited = new Promise<number | null>((resolveExit) => server.once('exit', (code) => resolveExit(code)));
    const started = Date.now();
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await isPortOpen(pgPort)).toBe(false);
  });
});
