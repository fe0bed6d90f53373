/** The built server (dist/main.js) as a real child process, for tests that kill and restart nodes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { freePort } from '../../src/database/embedded.js';
import { TEST_ADMIN } from './app.js';

const SERVER_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

export interface ServerProcess {
  port: number;
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  /** Requests as the admin, after start(). */
  api: ReturnType<typeof request.agent>;
  /** The admin's access token, for sockets. */
  token: string;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function serverProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  let output = '';
  let child: ChildProcess | null = null;
  const baseUrl = `http://127.0.0.1:${port}`;
  const handle: ServerProcess = {
    api: request.agent(baseUrl),
    token: '',
    port,
    baseUrl,
    get process() {
      if (!child) throw new Error('not started');
      return child;
    },
    output: () => output,
    async start() {
      child = spawn(process.execPath, [SERVER_MAIN], {
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          SIMULATOR: 'off',
          DEMO_DATA: 'off',
          ADMIN_EMAIL: TEST_ADMIN.email,
          ADMIN_PASSWORD: TEST_ADMIN.password,
          // One secret for every node: a token from one is good on the others.
          JWT_SECRET: 'test-secret-test-secret-test-secret-42',
          ...env,
          PORT: String(port),
          DATABASE_URL: databaseUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const started = Date.now();
      for (;;) {
        const ok = await fetch(`${handle.baseUrl}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) {
          const login = await request(baseUrl).post('/api/auth/login').send(TEST_ADMIN);
          if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
          handle.token = login.body.accessToken as string;
          handle.api = request.agent(baseUrl).set('Authorization', `Bearer ${handle.token}`);
          return;
        }
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output.slice(-1000)}`);
        if (Date.now() - started > 30_000) throw new Error(`server did not become healthy: ${output.slice(-1000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill(signal) {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return Promise.resolve(current?.exitCode ?? null);
      return new Promise((resolveExit) => {
        current.once('exit', (code) => resolveExit(code));
        current.kill(signal);
      });
    },
  };
  return handle;
}
