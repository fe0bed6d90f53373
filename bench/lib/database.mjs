/**
 * Throwaway databases on the PostgreSQL that DATABASE_URL names (default: the local one):
 * one for the real server, and a clone of it, after the seed, for the PostgreSQL reference,
 * so the reference writes the same tables, indexes and rows without touching the server's log.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function urlFor(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const created = new Set();

export async function createDatabase(template = null) {
  const name = `sb_bench_${randomBytes(5).toString('hex')}`;
  // A template must have no other sessions: the caller stops the server first.
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template.name}` : ''}`);
  created.add(name);
  return { name, url: urlFor(name) };
}

/** Drops every database this run created, even after a failure; sessions are cut (FORCE). */
export async function dropAll() {
  for (const name of created) {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error) => console.error(`could not drop ${name}: ${error.message}`));
    created.delete(name);
  }
}

/** Version and the settings that decide what "durable before its 2xx" costs here. */
export async function serverFacts() {
  const rows = await admin(
    `SELECT version() AS version, current_setting('synchronous_commit') AS synchronous_commit,
            current_setting('fsync') AS fsync, current_setting('shared_buffers') AS shared_buffers,
            current_setting('max_connections') AS max_connections`,
  );
  return rows[0];
}

export function connect(url, max = 4) {
  return new pg.Pool({ connectionString: url, max });
}
