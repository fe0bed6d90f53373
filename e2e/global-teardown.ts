/** Stops every server the run started (also those a test restarted) and drops the run's database. */
import { existsSync, rmSync } from 'node:fs';
import pg from 'pg';
import { readState, STATE_ENV, stopServer } from './support/server-process.js';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[STATE_ENV];
  if (!file || !existsSync(file)) return;
  const state = readState();
  await Promise.all([state.pid, ...state.extraPids].filter((pid) => pid !== null).map((pid) => stopServer(pid)));

  const admin = new pg.Client({ connectionString: state.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${state.databaseName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  rmSync(file, { force: true });
}
