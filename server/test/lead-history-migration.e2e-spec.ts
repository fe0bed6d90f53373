/**
 * The LeadStatusHistory migration both ways on a database that already has leads: up gives each
 * lead a history (its status as of its creation) and calls nurturing contacted; down restores
 * the old status and drops the history.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '../src/database/data-source.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

describe('LeadStatusHistory migration', () => {
  let db: TestDatabase;
  let source: DataSource;
  const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'LeadStatusHistory1765060600000'));

  beforeAll(async () => {
    db = await createTestDatabase();
    source = new DataSource({ ...dataSourceOptions(db.url, false), migrations: before });
    await source.initialize();
    await source.runMigrations();
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  it('backfills a history row per lead, renames nurturing, and undoes both', async () => {
    await db.query(`INSERT INTO reps (name, email) VALUES ('Ayu', 'ayu@example.co.id')`);
    await db.query(
      `INSERT INTO leads (source, status, rep_id, created_at)
       SELECT 'web', s, (SELECT id FROM reps LIMIT 1), now() - interval '2 days' FROM unnest(ARRAY['new','nurturing','converted','disqualified']) AS s`,
    );
    const all = new DataSource({ ...dataSourceOptions(db.url, false) });
    await all.initialize();
    try {
      await all.runMigrations();
      expect((await db.query<{ status: string }>('SELECT status FROM leads ORDER BY status')).map((r) => r.status)).toEqual(['contacted', 'converted', 'disqualified', 'new']);
      const history = await db.query<{ to_status: string; same_time: boolean }>(
        'SELECT h.to_status, h.at = l.created_at AS same_time FROM lead_status_history h JOIN leads l ON l.id = h.lead_id ORDER BY h.to_status',
      );
      expect(history).toEqual(['contacted', 'converted', 'disqualified', 'new'].map((to_status) => ({ to_status, same_time: true })));
      await expect(db.query(`INSERT INTO leads (source, status) VALUES ('web', 'nurturing')`)).rejects.toThrow(/leads_status_check/);

      // Later migrations may sit on top of this one: undo them first, then it.
      for (let last = ''; last !== 'LeadStatusHistory1765060600000'; ) {
        last = ((await all.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[])[0].name;
        await all.undoLastMigration();
      }
      expect((await db.query<{ status: string }>('SELECT status FROM leads ORDER BY status')).map((r) => r.status)).toEqual(['converted', 'disqualified', 'new', 'nurturing']);
      expect(await db.query(`SELECT to_regclass('lead_status_history') AS t`)).toEqual([{ t: null }]);
      await all.runMigrations();
      expect(await db.query('SELECT count(*)::int AS n FROM lead_status_history')).toEqual([{ n: 4 }]);
    } finally {
      await all.destroy();
    }
  });
});
