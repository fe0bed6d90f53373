/**
 * Per CRM: which of our stages each of its stage ids means, and who owns a deal whose CRM owner
 * matches none of our reps. Stored in PostgreSQL (with HubSpot's and Pipedrive's default
 * pipelines as defaults, see the Ingest migration), edited with PUT .../stage-map.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CrmProvider, CrmStageMap, CrmStageMapInput, Stage } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { type ChangeContext, EventWriter } from '../../events/event-writer.service.js';
import { nameKey } from '../../org/org.entities.js';
import { StagesService } from '../../stages/stages.service.js';

@Injectable()
export class CrmSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
    private readonly stages: StagesService,
  ) {}

  get(provider: CrmProvider): Promise<CrmStageMap> {
    return this.read(this.dataSource.manager, provider);
  }

  /** Replaces the provider's whole map; a stage or rep that does not exist is a 400 naming it. */
  async put(provider: CrmProvider, input: CrmStageMapInput, context: ChangeContext): Promise<CrmStageMap> {
    for (const [external, key] of Object.entries(input.stages)) {
      if (!this.stages.find(key))
        throw badField(
          `stages.${external}`,
          `"${key}" is not a stage of the pipeline (${this.stages
            .list()
            .map((s) => s.key)
            .join(', ')})`,
        );
    }
    return this.writer.transaction(context, async (tx) => {
      if (input.defaultOwnerId) {
        const rep: unknown[] = await tx.manager.query('SELECT 1 FROM reps WHERE id = $1', [input.defaultOwnerId]);
        if (rep.length === 0) throw badField('defaultOwnerId', `no rep with id ${input.defaultOwnerId}`);
      }
      await tx.manager.query('DELETE FROM crm_stage_map WHERE provider = $1', [provider]);
      await tx.manager.query(`INSERT INTO crm_stage_map (provider, external_stage, stage_key) SELECT $1, * FROM unnest($2::text[], $3::text[])`, [
        provider,
        Object.keys(input.stages),
        Object.values(input.stages),
      ]);
      await tx.manager.query(
        `INSERT INTO crm_settings (provider, default_owner_id) VALUES ($1, $2)
         ON CONFLICT (provider) DO UPDATE SET default_owner_id = EXCLUDED.default_owner_id`,
        [provider, input.defaultOwnerId ?? null],
      );
      return this.read(tx.manager, provider);
    });
  }

  async stageFor(manager: EntityManager, provider: CrmProvider, external: string): Promise<Stage | null> {
    const rows: { stage_key: string }[] = await manager.query('SELECT stage_key FROM crm_stage_map WHERE provider = $1 AND external_stage = $2', [
      provider,
      external,
    ]);
    return rows.length ? (this.stages.find(rows[0].stage_key) ?? null) : null;
  }

  /**
   * The rep a CRM's owner is: by email, else by a name only one rep has. Null when neither
   * is given or matches: the caller then uses the default owner.
   */
  async repFor(manager: EntityManager, email: string | null | undefined, name: string | null | undefined): Promise<string | null> {
    if (email) {
      const rows: { id: string }[] = await manager.query('SELECT id FROM reps WHERE email = $1', [email.trim().toLowerCase()]);
      if (rows.length) return rows[0].id;
    }
    if (name) {
      const rows: { id: string }[] = await manager.query(`SELECT id FROM reps WHERE regexp_replace(lower(btrim(name)), '\\s+', ' ', 'g') = $1 LIMIT 2`, [
        nameKey(name),
      ]);
      if (rows.length === 1) return rows[0].id;
    }
    return null;
  }

  /** The configured default owner, else the first active rep (the oldest): simple and predictable. */
  async defaultOwner(manager: EntityManager, provider: CrmProvider): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `SELECT COALESCE(
         (SELECT r.id FROM crm_settings c JOIN reps r ON r.id = c.default_owner_id WHERE c.provider = $1),
         (SELECT id FROM reps WHERE active ORDER BY created_at, id LIMIT 1)) AS id`,
      [provider],
    );
    return rows[0]?.id ?? null;
  }

  private async read(manager: EntityManager, provider: CrmProvider): Promise<CrmStageMap> {
    const stages: { external_stage: string; stage_key: string }[] = await manager.query(
      'SELECT external_stage, stage_key FROM crm_stage_map WHERE provider = $1 ORDER BY external_stage',
      [provider],
    );
    const settings: { default_owner_id: string | null }[] = await manager.query('SELECT default_owner_id FROM crm_settings WHERE provider = $1', [provider]);
    return {
      provider,
      stages: Object.fromEntries(stages.map((s) => [s.external_stage, s.stage_key])),
      defaultOwnerId: settings[0]?.default_owner_id ?? null,
    };
  }
}
