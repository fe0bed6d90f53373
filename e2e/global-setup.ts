/**
 * Gives the run a database of its own on the PostgreSQL server DATABASE_URL names, and the
 * built server on a free port with the demo organisation and no simulator. Builds nothing:
 * `npm test` has built the server and client before.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ARTIFACTS_DIR, REPO_ROOT, SERVER_MAIN } from './support/paths.js';
import { freePort, type RunState, SERVER_LOG, startServer, STATE_ENV, writeState } from './support/server-process.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function globalSetup(): Promise<void> {
  for (const built of [SERVER_MAIN, join(REPO_ROOT, 'client/dist/index.html')]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` at the repository root first`);
  }
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  rmSync(SERVER_LOG, { force: true });

  const adminUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const databaseName = `e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${databaseName}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();

  process.env[STATE_ENV] = join(tmpdir(), `salesboard-e2e-${process.pid}-${databaseName}.json`);
  const port = await freePort();
  const state: RunState = { adminUrl, databaseName, databaseUrl, port, baseUrl: `http://127.0.0.1:${port}`, pid: null, extraPids: [] };
  // Written before the start, so teardown drops the database even when the server never comes up.
  writeState(state);
  const pid = await startServer({ databaseUrl, port, label: 'main' });
  writeState({ ...state, pid });
  process.env.SALESBOARD_E2E_BASE_URL = state.baseUrl;
}
