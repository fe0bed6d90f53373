/**
 * Each test file gets a database of its own and drops it at the end. An app's database is a copy
 * of the run's template, which global-setup migrated once (TEST_TEMPLATE_DATABASE): the app's boot
 * then finds every migration applied instead of running all of them again per file (about two
 * seconds each). A test of migrations asks for an empty one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (global-setup sets it)');
  return url;
}

export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated ? process.env.TEST_TEMPLATE_DATABASE : undefined;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // An idle connection dies when the database is dropped at the end: expected, not a failure.
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    drop: async () => {
      await pool.end();
      const client = new pg.Client({ connectionString: serverUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
