import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest of more than deals: an import job says what its file held; imported activities carry
 * their source and id, so a second import of the same file finds them instead of doubling them.
 * CRM owners map to reps by a table like the stage map, and the last applied change of each CRM
 * property is remembered, so a retry that arrives after a newer change changes nothing.
 */
export class IngestKinds1764700000000 implements MigrationInterface {
  name = 'IngestKinds1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE import_jobs ADD COLUMN kind text NOT NULL DEFAULT 'deals'
        CHECK (kind IN ('deals','reps','accounts','products','activities'));
      ALTER TABLE activities ADD COLUMN source text, ADD COLUMN external_id text;
      CREATE UNIQUE INDEX activities_source_external_idx ON activities (source, external_id) WHERE external_id IS NOT NULL;
      CREATE TABLE crm_owner_map (
        provider text NOT NULL CHECK (provider IN ('hubspot','pipedrive')),
        external_owner text NOT NULL,
        rep_id uuid NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
        PRIMARY KEY (provider, external_owner)
      );
      CREATE TABLE crm_property_clock (
        provider text NOT NULL,
        object_id text NOT NULL,
        property text NOT NULL,
        -- the CRM's own time of the change (HubSpot occurredAt, ms): what "newer" means
        occurred_at bigint NOT NULL,
        PRIMARY KEY (provider, object_id, property)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE crm_property_clock, crm_owner_map;
      DROP INDEX activities_source_external_idx;
      ALTER TABLE activities DROP COLUMN external_id, DROP COLUMN source;
      ALTER TABLE import_jobs DROP COLUMN kind;
    `);
  }
}
