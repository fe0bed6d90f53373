/**
 * `node server/dist/database/migrate.js`: runs the pending migrations once and exits. A
 * deployment runs it as a one-off job before the replicas start (with RUN_MIGRATIONS=off),
 * so replicas never race each other over the schema.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Invalid configuration: DATABASE_URL must be a postgres:// URL (got null)');
  process.exit(78);
}
const dataSource = new DataSource({ ...dataSourceOptions(url, false), migrationsRun: false });
await dataSource.initialize();
try {
  // One migrator at a time even if the job is started twice.
  await dataSource.query('SELECT pg_advisory_lock(727274)');
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
} finally {
  await dataSource.destroy();
}
