import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leads keep who moved them and when (issue #15): one row per status change, the first being the
 * lead's creation. Lead conversion is counted from these rows, so every existing lead gets one
 * (its status as of its creation: all that is known of its past). The status `nurturing` becomes
 * `contacted`, the word the sales team uses; `source` gets an index for the filter and the
 * by-source panel.
 */
export class LeadStatusHistory1765060600000 implements MigrationInterface {
  name = 'LeadStatusHistory1765060600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_status_check`);
    await q.query(`UPDATE leads SET status = 'contacted' WHERE status = 'nurturing'`);
    // A lead pointing at a deal was converted, whatever its status said.
    await q.query(`UPDATE leads SET status = 'converted' WHERE converted_deal_id IS NOT NULL AND status <> 'converted'`);
    await q.query(`ALTER TABLE leads ADD CONSTRAINT leads_status_check CHECK (status IN ('new','contacted','qualified','converted','disqualified'))`);
    await q.query(`CREATE INDEX leads_created_at_idx ON leads (created_at)`);
    await q.query(`CREATE INDEX leads_rep_idx ON leads (rep_id)`);
    await q.query(`
      CREATE TABLE lead_status_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        from_status text CHECK (from_status IN ('new','contacted','qualified','converted','disqualified')),
        to_status text NOT NULL CHECK (to_status IN ('new','contacted','qualified','converted','disqualified')),
        note text,
        deal_id uuid REFERENCES deals(id) ON DELETE SET NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        actor_name text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX lead_status_history_lead_idx ON lead_status_history (lead_id, at)`);
    await q.query(`CREATE INDEX lead_status_history_converted_idx ON lead_status_history (lead_id) WHERE to_status = 'converted'`);
    await q.query(`
      INSERT INTO lead_status_history (lead_id, from_status, to_status, deal_id, actor_kind, actor_id, actor_name, at)
      SELECT id, NULL, status, converted_deal_id, 'system', 'migration', NULL, created_at FROM leads`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lead_status_history`);
    await q.query(`DROP INDEX leads_rep_idx`);
    await q.query(`DROP INDEX leads_created_at_idx`);
    await q.query(`ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_status_check`);
    await q.query(`UPDATE leads SET status = 'nurturing' WHERE status = 'contacted'`);
    await q.query(`ALTER TABLE leads ADD CONSTRAINT leads_status_check CHECK (status IN ('new','nurturing','qualified','converted','disqualified'))`);
  }
}
