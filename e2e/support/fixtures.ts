/**
 * The `test` every spec imports: the base URL of the run's server, the REST API, and control
 * over the server process for tests that stop and restart it.
 */
import { test as base } from '@playwright/test';
import { Api } from './api.js';
import { readState, startServer, stopServer, updateState, freePort } from './server-process.js';

export interface OtherServer {
  baseUrl: string;
  api: Api;
  stop(): Promise<void>;
}

export interface ServerControl {
  /** Stops the server the wallboard talks to. SIGTERM lets it drop its sockets and drain first. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  /** A second server on the same database and another port, as another node would be; `env` overrides its settings. */
  startOther(env?: Record<string, string>): Promise<OtherServer>;
}

function serverControl(): ServerControl {
  return {
    async stop(signal = 'SIGTERM') {
      const { pid } = readState();
      if (pid === null) return;
      await stopServer(pid, signal);
      updateState((state) => (state.pid = null));
    },
    async start() {
      const state = readState();
      if (state.pid !== null) throw new Error(`the server is running already (pid ${state.pid})`);
      const pid = await startServer({ databaseUrl: state.databaseUrl, port: state.port, label: 'main, restarted' });
      updateState((current) => (current.pid = pid));
    },
    async startOther(env) {
      const { databaseUrl } = readState();
      const port = await freePort();
      const pid = await startServer({ databaseUrl, port, label: 'other', env });
      updateState((state) => state.extraPids.push(pid));
      const baseUrl = `http://127.0.0.1:${port}`;
      return {
        baseUrl,
        api: new Api(baseUrl),
        async stop() {
          await stopServer(pid);
          updateState((state) => (state.extraPids = state.extraPids.filter((other) => other !== pid)));
        },
      };
    },
  };
}

export const test = base.extend<{ api: Api; server: ServerControl }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern
  baseURL: async ({}, use) => use(readState().baseUrl),
  // eslint-disable-next-line no-empty-pattern
  api: async ({}, use) => use(new Api(readState().baseUrl)),
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const control = serverControl();
    await use(control);
    // Whatever the test did or where it failed, the next test finds the run's server up.
    const state = readState();
    for (const pid of state.extraPids) await stopServer(pid);
    updateState((current) => (current.extraPids = []));
    if (state.pid === null) await control.start();
  },
});

export { expect } from '@playwright/test';
