import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest: CSV import jobs with their rejected rows, the CRM deliveries already applied (so a
 * retried webhook changes nothing), and the per-CRM stage maps and default owner.
 */
export class Ingest1764500000000 implements MigrationInterface {
  name = 'Ingest1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running','completed','cancelled','failed')),
        file_name text,
        delimiter text NOT NULL,
        date_format text NOT NULL CHECK (date_format IN ('iso','mdy','dmy')),
        -- the header row as read: the rejected-rows CSV repeats it so rows can be fixed and re-imported
        headers jsonb NOT NULL,
        columns jsonb NOT NULL,
        rows_read int NOT NULL DEFAULT 0,
        created int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        rejected int NOT NULL DEFAULT 0,
        reps_created int NOT NULL DEFAULT 0,
        accounts_created int NOT NULL DEFAULT 0,
        products_created int NOT NULL DEFAULT 0,
        warnings jsonb NOT NULL DEFAULT '[]',
        error text,
        cancel_requested boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL DEFAULT now(),
        -- touched while the import runs; a running job whose node died stops being touched
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX import_jobs_started_idx ON import_jobs (started_at DESC);
      CREATE INDEX import_jobs_running_idx ON import_jobs (heartbeat_at) WHERE status = 'running';
      CREATE TABLE import_rejections (
        job_id uuid NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
        line int NOT NULL,
        reason text NOT NULL,
        cells jsonb NOT NULL,
        PRIMARY KEY (job_id, line)
      );
      -- The ids a running import has seen, to reject a file's duplicates without holding every id
      -- in memory. Scratch data, emptied when the job ends: unlogged, so it costs no WAL.
      CREATE UNLOGGED TABLE import_seen (
        job_id uuid NOT NULL,
        external_id text NOT NULL,
        line int NOT NULL,
        PRIMARY KEY (job_id, external_id)
      );
      CREATE TABLE webhook_deliveries (
        provider text NOT NULL,
        delivery_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, delivery_id)
      );
      CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at);
      CREATE TABLE crm_stage_map (
        provider text NOT NULL CHECK (provider IN ('hubspot','pipedrive')),
        external_stage text NOT NULL,
        stage_key text NOT NULL REFERENCES stages(key) ON UPDATE CASCADE ON DELETE CASCADE,
        PRIMARY KEY (provider, external_stage)
      );
      CREATE TABLE crm_settings (
        provider text PRIMARY KEY CHECK (provider IN ('hubspot','pipedrive')),
        default_owner_id uuid REFERENCES reps(id) ON DELETE SET NULL
      );
      INSERT INTO crm_settings (provider) VALUES ('hubspot'), ('pipedrive');
    `);
    // HubSpot's default sales pipeline, and Pipedrive's default pipeline (stage ids 1-5; won and
    // lost are a status there, not a stage). Only onto stages that exist: the pipeline is configurable.
    await q.query(`
      INSERT INTO crm_stage_map (provider, external_stage, stage_key)
      SELECT m.provider, m.external_stage, m.stage_key
        FROM (VALUES
          ('hubspot','appointmentscheduled','qualified'),
          ('hubspot','qualifiedtobuy','qualified'),
          ('hubspot','presentationscheduled','demo'),
          ('hubspot','decisionmakerboughtin','proposal'),
          ('hubspot','contractsent','negotiation'),
          ('hubspot','closedwon','won'),
          ('hubspot','closedlost','lost'),
          ('pipedrive','1','lead'),
          ('pipedrive','2','qualified'),
          ('pipedrive','3','demo'),
          ('pipedrive','4','proposal'),
          ('pipedrive','5','negotiation')
        ) AS m(provider, external_stage, stage_key)
        JOIN stages s ON s.key = m.stage_key
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE crm_settings, crm_stage_map, webhook_deliveries, import_seen, import_rejections, import_jobs');
  }
}
