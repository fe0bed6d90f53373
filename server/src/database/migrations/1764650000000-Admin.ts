import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin area. `users.tokens_valid_after`: an access token issued before it is refused, so a
 * deactivation or a role change ends a session at once instead of when its token expires.
 * `deals.pinned_*`: a closed deal keeps the team and territory it was closed for when its rep
 * moves on (an open one follows the rep). The pin holds while `closed_at <= pinned_at` and the
 * owner is the one it was pinned for: a deal reopened and closed again later, or handed to another
 * rep, follows its (new) rep until that rep's next move pins it anew.
 */
export class Admin1764650000000 implements MigrationInterface {
  name = 'Admin1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;
      ALTER TABLE deals
        ADD COLUMN pinned_team_id uuid REFERENCES teams(id) ON DELETE SET NULL,
        ADD COLUMN pinned_territory_id uuid REFERENCES territories(id) ON DELETE SET NULL,
        ADD COLUMN pinned_owner_id uuid,
        ADD COLUMN pinned_at timestamptz;
      CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
      CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX audit_log_action_idx;
      DROP INDEX audit_log_actor_idx;
      ALTER TABLE deals DROP COLUMN pinned_at, DROP COLUMN pinned_owner_id, DROP COLUMN pinned_territory_id, DROP COLUMN pinned_team_id;
      ALTER TABLE users DROP COLUMN tokens_valid_after;
    `);
  }
}
