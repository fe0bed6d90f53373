/**
 * Gives the test run a PostgreSQL server: the one DATABASE_URL names, or else an embedded one
 * in a temporary folder on a free port, stopped again by global-teardown. On it, a template
 * database migrated once for the run, which each test app's database is copied from
 * (support/database.ts); global-teardown drops it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
// Loaded by Node directly, outside Jest's resolver: it uses the built server (npm run build).
import { dataSourceOptions } from '../dist/database/data-source.js';
import { freePort, startEmbeddedPostgres } from '../dist/database/embedded.js';

export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const dataDir = await mkdtemp(join(tmpdir(), 'salesboard-test-pg-'));
    const database = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    process.env.DATABASE_URL = database.url;
    (globalThis as { __EMBEDDED_PG__?: typeof database }).__EMBEDDED_PG__ = database;
  }
  process.env.TEST_TEMPLATE_DATABASE = await migratedTemplate(process.env.DATABASE_URL);
}

/**
 * A database with every migration of the build applied, by the app's own migration list. A
 * migration added in the source since the last build still runs, at each app's boot.
 */
async function migratedTemplate(serverUrl: string): Promise<string> {
  const name = `sb_template_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataSource = new DataSource({ ...dataSourceOptions(url.toString(), false), migrationsRun: false });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    // A template must have no connections left for CREATE DATABASE … TEMPLATE to copy it.
    await dataSource.destroy();
  }
  return name;
}
