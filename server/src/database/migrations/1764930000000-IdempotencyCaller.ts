import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key belongs to the caller that sent it: the key's identity becomes (key, route,
 * caller), so another caller repeating it cannot be answered with the first caller's result. Keys
 * stored before this have no caller (''), which no request matches: they are simply not replayed
 * and age out with the usual 48 hours.
 */
export class IdempotencyCaller1764930000000 implements MigrationInterface {
  name = 'IdempotencyCaller1764930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN caller text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (key, scope, caller)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Two callers may hold one key on one route: keep the older, as the old key allowed only one.
    await q.query(
      `DELETE FROM idempotency_keys newer USING idempotency_keys older
        WHERE newer.key = older.key AND newer.scope = older.scope
          AND (newer.created_at, newer.caller) > (older.created_at, older.caller)`,
    );
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (key, scope)`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN caller`);
  }
}
