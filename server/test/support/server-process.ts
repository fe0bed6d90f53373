/** The built server (dist/main.js) as a real child process, for tests that kill and restart nodes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../src/database/embedded.js';

const SERVER_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

export interface ServerProcess {
  port: number;
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function serverProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  let output = '';
  let child: ChildProcess | null = null;
  const handle: ServerProcess = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get process() {
      if (!child) throw new Error('not started');
      return child;
    },
    output: () => output,
    async start() {
      child = spawn(process.execPath, [SERVER_MAIN], {
        env: { ...process.env, LOG_LEVEL: 'warn', SIMULATOR: 'off', DEMO_DATA: 'off', ...env, PORT: String(port), DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const started = Date.now();
      for (;;) {
        const ok = await fetch(`${handle.baseUrl}/api/health`).then((r) => r.ok, () => false);
        if (ok) return;
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
