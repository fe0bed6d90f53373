import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts and credentials. Every secret is stored as a hash: passwords with argon2id,
 * high-entropy tokens (refresh tokens, display credentials, API keys) with SHA-256, which
 * is enough for random 256-bit secrets and fast to look up.
 */
export class Auth1764400000000 implements MigrationInterface {
  name = 'Auth1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','manager','rep')),
        rep_id uuid REFERENCES reps(id) ON DELETE SET NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE teams ADD COLUMN manager_user_id uuid REFERENCES users(id) ON DELETE SET NULL;
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
      CREATE TABLE boards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        scenes jsonb NOT NULL,
        scope jsonb NOT NULL DEFAULT '{"kind":"all"}',
        sound boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE displays (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        board_id uuid REFERENCES boards(id) ON DELETE SET NULL,
        token_hash text NOT NULL UNIQUE,
        paired_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz
      );
      CREATE TABLE pairing_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_code text NOT NULL,
        device_code_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        display_id uuid REFERENCES displays(id) ON DELETE CASCADE,
        -- the display credential, handed to the TV once and then erased
        pending_token text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX pairing_requests_user_code_idx ON pairing_requests (user_code);
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        key_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_kind text NOT NULL,
        actor_id text,
        actor_name text,
        action text NOT NULL,
        target text,
        details jsonb,
        ip text
      );
      CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
    `);
    await q.query(`INSERT INTO boards (name, scenes, scope) VALUES ('Sales floor', $1, '{"kind":"all"}')`, [
      JSON.stringify([
        { kind: 'leaderboard', seconds: 20 },
        { kind: 'quota', seconds: 15 },
        { kind: 'funnel', seconds: 15 },
        { kind: 'forecast', seconds: 15 },
        { kind: 'territories', seconds: 15 },
      ]),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_log, api_keys, pairing_requests, displays, boards, refresh_tokens;
      ALTER TABLE teams DROP COLUMN manager_user_id;
      DROP TABLE users;
    `);
  }
}
