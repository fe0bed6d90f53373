import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The funnel is a cohort of the deals created in a period, read on every live push: by index, not by scanning every deal. */
export class DealsCreatedIndex1765100000000 implements MigrationInterface {
  name = 'DealsCreatedIndex1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS deals_created_at_idx ON deals (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deals_created_at_idx`);
  }
}
