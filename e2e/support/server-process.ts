/**
 * The built server as a child process, and the run's shared state about it. Global setup starts
 * the first server in the runner process; specs that stop and restart it run in a worker
 * process, so the state (port, database, the pid of the server now running) lives in a JSON
 * file both can read, and processes are addressed by pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ARTIFACTS_DIR, REPO_ROOT, SERVER_MAIN } from './paths.js';

/** Names the state file; set by global setup, inherited by the workers it precedes. */
export const STATE_ENV = 'SALESBOARD_E2E_STATE';
/** Every server process of the run writes here (appending), for whoever reads a failure. */
export const SERVER_LOG = join(ARTIFACTS_DIR, 'server.log');

const START_TIMEOUT_MS = 30_000;
/** main.ts gives itself 10 s to drain before it exits on its own. */
const STOP_TIMEOUT_MS = 12_000;

export interface RunState {
  /** The database server's URL, as given by DATABASE_URL (for CREATE/DROP DATABASE). */
  adminUrl: string;
  databaseName: string;
  /** The run's own database, which every server process of the run uses. */
  databaseUrl: string;
  port: number;
  baseUrl: string;
  /** The server on `port` now, or null while a test has it stopped. */
  pid: number | null;
  /** Servers a test started beside the main one and has not stopped yet. */
  extraPids: number[];
}

function stateFile(): string {
  const file = process.env[STATE_ENV];
  if (!file) throw new Error(`${STATE_ENV} is not set: run the browser tests through playwright (global-setup sets it)`);
  return file;
}

export function readState(): RunState {
  return JSON.parse(readFileSync(stateFile(), 'utf8')) as RunState;
}

export function writeState(state: RunState): void {
  writeFileSync(stateFile(), JSON.stringify(state, null, 2));
}

export function updateState(change: (state: RunState) => void): RunState {
  const state = readState();
  change(state);
  writeState(state);
  return state;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Alive and not a zombie: a server whose parent has gone may wait for a reaper that never comes. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", the state letter after the parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust the signal
  }
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts `node server/dist/main.js` on `port` against `databaseUrl` and resolves with its pid
 * once /api/health answers 200. The process outlives the one that started it (its output goes
 * to a file, not a pipe), so a worker can restart the server the runner process started.
 */
/** The first admin of the servers under test. */
export const E2E_ADMIN = { email: 'admin@e2e.salesboard.test', password: 'e2e admin password 42' };

export async function startServer(options: { databaseUrl: string; port: number; label: string; env?: Record<string, string> }): Promise<number> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const log = openSync(SERVER_LOG, 'a');
  writeFileSync(log, `\n--- ${new Date().toISOString()} start ${options.label} on port ${options.port}\n`);
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      DEMO_DATA: 'on',
      // Tests make every change themselves, so what the board shows is what they expect.
      SIMULATOR: 'off',
      LOG_LEVEL: 'warn',
      // As in the embedded demo: an unpaired wallboard may watch; writes need the admin below.
      PUBLIC_READ: 'on',
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      // Shared by the servers a test starts on one database, so a token outlives a restart.
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-42',
      ...options.env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exit: string | null = null;
  child.once('exit', (code, signal) => (exit = signal ?? `code ${code}`));
  child.once('error', (error) => (exit = error.message));
  child.unref();

  const baseUrl = `http://127.0.0.1:${options.port}`;
  const started = Date.now();
  while (!(await healthy(baseUrl))) {
    if (exit !== null) throw new Error(`the server (${options.label}) exited with ${exit} before it was healthy; see ${SERVER_LOG}`);
    if (Date.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`the server (${options.label}) was not healthy after ${START_TIMEOUT_MS} ms; see ${SERVER_LOG}`);
    }
    await sleep(100);
  }
  if (child.pid === undefined) throw new Error('the server has no pid');
  return child.pid;
}

/** Sends `signal` and waits for the process to be gone; SIGKILL when it outstays the drain deadline. */
export async function stopServer(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!isRunning(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await sleep(200);
      return;
    }
    await sleep(50);
  }
}
