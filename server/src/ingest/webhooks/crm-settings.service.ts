/**
 * Per CRM: which of our stages each of its stage ids means, which rep each of its owner ids is,
 * and who owns a deal whose CRM owner matches none of our reps. Stored in PostgreSQL (with
 * HubSpot's and Pipedrive's default pipelines as defaults, see the Ingest migration), edited with
 * PUT .../stage-map and PUT .../owner-map.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CrmOwnerMap, CrmOwnerMapInput, CrmProvider, CrmStageMap, CrmStageMapInput, Stage } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { changedFields, writeAudit } from '../../auth/audit.service.js';
import type { AuditedChange } from '../../auth/audited-change.decorator.js';
import { EventWriter } from '../../events/event-writer.service.js';
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
  async put(provider: CrmProvider, input: CrmStageMapInput, context: AuditedChange): Promise<CrmStageMap> {
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
      const before = await this.read(tx.manager, provider);
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
      const after = await this.read(tx.manager, provider);
      await writeAudit(tx.manager, context, { action: 'crmStageMap.replace', target: `crm:${provider}`, details: changedFields(before, after) });
      return after;
    });
  }

  getOwners(provider: CrmProvider): Promise<CrmOwnerMap> {
    return this.readOwners(this.dataSource.manager, provider);
  }

  /** Replaces the provider's whole owner map; a rep that does not exist is a 400 naming the CRM owner it was given for. */
  putOwners(provider: CrmProvider, input: CrmOwnerMapInput, context: AuditedChange): Promise<CrmOwnerMap> {
    return this.writer.transaction(context, async (tx) => {
      const repIds = [...new Set(Object.values(input.owners))];
      const found: { id: string }[] = await tx.manager.query('SELECT id FROM reps WHERE id = ANY($1::uuid[])', [repIds]);
      const known = new Set(found.map((r) => r.id));
      const missing = Object.entries(input.owners).find(([, repId]) => !known.has(repId));
      if (missing) throw badField(`owners.${missing[0]}`, `no rep with id ${missing[1]}`);
      const before = await this.readOwners(tx.manager, provider);
      await tx.manager.query('DELETE FROM crm_owner_map WHERE provider = $1', [provider]);
      await tx.manager.query('INSERT INTO crm_owner_map (provider, external_owner, rep_id) SELECT $1, * FROM unnest($2::text[], $3::uuid[])', [
        provider,
        Object.keys(input.owners),
        Object.values(input.owners),
      ]);
      const after = await this.readOwners(tx.manager, provider);
      await writeAudit(tx.manager, context, { action: 'crmOwnerMap.replace', target: `crm:${provider}`, details: changedFields(before, after) });
      return after;
    });
  }

  /** The rep the CRM's owner id is mapped to, or null. */
  async repForOwnerId(manager: EntityManager, provider: CrmProvider, externalOwner: string): Promise<string | null> {
    const rows: { rep_id: string }[] = await manager.query('SELECT rep_id FROM crm_owner_map WHERE provider = $1 AND external_owner = $2', [
      provider,
      externalOwner,
    ]);
    return rows[0]?.rep_id ?? null;
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

  private async readOwners(manager: EntityManager, provider: CrmProvider): Promise<CrmOwnerMap> {
    const rows: { external_owner: string; rep_id: string }[] = await manager.query(
      'SELECT external_owner, rep_id FROM crm_owner_map WHERE provider = $1 ORDER BY external_owner',
      [provider],
    );
    return { provider, owners: Object.fromEntries(rows.map((r) => [r.external_owner, r.rep_id])) };
  }
}
