import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Foreign keys are real constraints (a deal never points at a rep that is
 * not there); money is numeric(17,2), exact; the event log's seq comes from a one-row counter
 * updated inside each writing transaction, which makes it gap-free and ordered by commit.
 */
export class Init1764300000000 implements MigrationInterface {
  name = 'Init1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        manager_name text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE territories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        region text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE reps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL UNIQUE,
        team_id uuid REFERENCES teams(id),
        territory_id uuid REFERENCES territories(id),
        avatar_url text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        -- lower case, single spaces: how imports match "PT  Maju Jaya" to "pt maju jaya"
        name_key text NOT NULL UNIQUE,
        territory_id uuid REFERENCES territories(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        list_price numeric(17,2) NOT NULL CHECK (list_price >= 0),
        margin_pct numeric(5,2) NOT NULL CHECK (margin_pct BETWEEN 0 AND 100),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE stages (
        key text PRIMARY KEY,
        label text NOT NULL,
        position int NOT NULL UNIQUE,
        probability int NOT NULL CHECK (probability BETWEEN 0 AND 100),
        forecast_category text NOT NULL CHECK (forecast_category IN ('pipeline','best_case','commit','closed','omitted')),
        kind text NOT NULL CHECK (kind IN ('open','won','lost')),
        stuck_after_days int NOT NULL DEFAULT 14 CHECK (stuck_after_days >= 0)
      );
      CREATE TABLE deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL,
        external_id text,
        name text NOT NULL,
        account_id uuid REFERENCES accounts(id),
        product_id uuid REFERENCES products(id),
        owner_id uuid NOT NULL REFERENCES reps(id),
        amount numeric(17,2) NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL,
        stage text NOT NULL REFERENCES stages(key) ON UPDATE CASCADE,
        forecast_override text CHECK (forecast_override IN ('pipeline','best_case','commit','closed','omitted')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expected_close_date date,
        closed_at timestamptz,
        stage_entered_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source, external_id)
      );
      CREATE INDEX deals_owner_idx ON deals (owner_id);
      CREATE INDEX deals_stage_idx ON deals (stage);
      CREATE INDEX deals_closed_at_idx ON deals (closed_at) WHERE closed_at IS NOT NULL;
      CREATE TABLE stage_history (
        id bigserial PRIMARY KEY,
        deal_id uuid NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        from_stage text,
        to_stage text NOT NULL,
        amount numeric(17,2) NOT NULL,
        rep_id uuid NOT NULL REFERENCES reps(id),
        at timestamptz NOT NULL DEFAULT now(),
        source text NOT NULL
      );
      CREATE INDEX stage_history_deal_idx ON stage_history (deal_id, at);
      CREATE INDEX stage_history_at_idx ON stage_history (at);
      CREATE TABLE activities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('call','email','meeting','demo')),
        rep_id uuid NOT NULL REFERENCES reps(id),
        deal_id uuid REFERENCES deals(id) ON DELETE SET NULL,
        note text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX activities_rep_at_idx ON activities (rep_id, at);
      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL,
        status text NOT NULL CHECK (status IN ('new','nurturing','qualified','converted','disqualified')),
        rep_id uuid REFERENCES reps(id),
        converted_deal_id uuid REFERENCES deals(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE quotas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rep_id uuid REFERENCES reps(id),
        team_id uuid REFERENCES teams(id),
        period text NOT NULL CHECK (period IN ('month','quarter')),
        period_start date NOT NULL,
        amount numeric(17,2) NOT NULL CHECK (amount >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((rep_id IS NULL) <> (team_id IS NULL))
      );
      CREATE UNIQUE INDEX quotas_rep_period_idx ON quotas (rep_id, period, period_start) WHERE rep_id IS NOT NULL;
      CREATE UNIQUE INDEX quotas_team_period_idx ON quotas (team_id, period, period_start) WHERE team_id IS NOT NULL;
      CREATE TABLE event_seq (
        id smallint PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL
      );
      INSERT INTO event_seq (id, seq) VALUES (1, 0);
      CREATE TABLE event_log (
        seq bigint PRIMARY KEY,
        type text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL,
        source text NOT NULL,
        request_id text
      );
      CREATE TABLE idempotency_keys (
        key text NOT NULL,
        scope text NOT NULL,
        body_hash text NOT NULL,
        status_code int,
        -- text, not jsonb: a replay must return the first answer byte for byte, keys in order
        response text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, scope)
      );
      CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
    `);
    await q.query(
      `INSERT INTO stages (key, label, position, probability, forecast_category, kind, stuck_after_days) VALUES
        ('lead','Lead',1,10,'pipeline','open',14),
        ('qualified','Qualified',2,20,'pipeline','open',14),
        ('demo','Demo',3,40,'best_case','open',14),
        ('proposal','Proposal',4,60,'best_case','open',14),
        ('negotiation','Negotiation',5,80,'commit','open',14),
        ('won','Won',6,100,'closed','won',0),
        ('lost','Lost',7,0,'omitted','lost',0)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE idempotency_keys, event_log, event_seq, quotas, leads, activities, stage_history,
        deals, stages, products, accounts, reps, territories, teams;
    `);
  }
}
