/**
 * Gives the test run a PostgreSQL server: the one DATABASE_URL names, or else an embedded one
 * in a temporary folder on a free port, stopped again by global-teardown.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Loaded by Node directly, outside Jest's resolver: it uses the built server (npm run build).
import { freePort, startEmbeddedPostgres } from '../dist/database/embedded.js';

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const dataDir = await mkdtemp(join(tmpdir(), 'salesboard-test-pg-'));
  const database = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  process.env.DATABASE_URL = database.url;
  (globalThis as { __EMBEDDED_PG__?: typeof database }).__EMBEDDED_PG__ = database;
}
