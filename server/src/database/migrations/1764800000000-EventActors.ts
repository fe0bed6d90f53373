import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who made each change: the caller of a REST write (its principal's kind, id and name, as the
 * audit log records them), or `system` with the source for changes nobody called for (a CRM
 * webhook, an import, the simulator). Rows logged before this have no actor; readers fall back to
 * their source.
 *
 * A deal's history reads its events by deal id: one expression index over the two places a deal's
 * id sits in a payload (`deal.id` of the deal.* events, `activity.dealId` of activity.logged), so
 * each append maintains one index, not two. Not partial: PostgreSQL keeps no statistics for a
 * partial index's expression and guessed 2,000 rows where there were 38; btree deduplication
 * keeps the other events' NULLs small anyway. Without seq: the few rows of a deal sort in
 * microseconds, and (key, seq) pairs are unique, which defeats deduplication (23 MB against
 * 3.9 MB on 400,000 events). Built CONCURRENTLY, outside a transaction, so nodes already running
 * keep appending meanwhile; every statement can run again if the migration is interrupted.
 */
export class EventActors1764800000000 implements MigrationInterface {
  name = 'EventActors1764800000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE event_log ADD COLUMN IF NOT EXISTS actor_kind text, ADD COLUMN IF NOT EXISTS actor_id text, ADD COLUMN IF NOT EXISTS actor_name text`,
    );
    // An interrupted concurrent build leaves an invalid index behind, which IF NOT EXISTS would keep.
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS event_log_deal_idx`);
    await q.query(`CREATE INDEX CONCURRENTLY event_log_deal_idx ON event_log ((COALESCE(payload->'deal'->>'id', payload->'activity'->>'dealId')))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Not CONCURRENTLY: TypeORM's revert runs in a transaction whatever `transaction` says.
    await q.query(`DROP INDEX IF EXISTS event_log_deal_idx`);
    await q.query(`ALTER TABLE event_log DROP COLUMN IF EXISTS actor_name, DROP COLUMN IF EXISTS actor_id, DROP COLUMN IF EXISTS actor_kind`);
  }
}
