/**
 * Applying a CRM's change to the deal it has in Salesboard (matched by source and external id),
 * inside the caller's transaction, so the delivery id is recorded with the change it made. The
 * CRM is the source of truth for its deals: a deal it reopens is reopened, without the REST
 * API's explicit `reopen`. Events are the ones the REST API emits for the same changes.
 */
import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CrmProvider, Deal, LoggedEventType, Stage } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { findDeal } from '../../deals/deal.query.js';
import type { WriteTx } from '../../events/event-writer.service.js';
import { StagesService } from '../../stages/stages.service.js';
import { emitDealDeleted } from '../ingest-events.js';
import { CrmSettingsService } from './crm-settings.service.js';

/** The fields of a deal a CRM delivery sets; absent fields are left as they are. */
export interface CrmDealPatch {
  name?: string;
  amount?: string;
  currency?: string;
  stage?: Stage;
  expectedCloseDate?: string | null;
  ownerId?: string;
}

export type CrmOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

/** A delivery that cannot be applied as it is (an unmapped stage): 422, and the CRM retries later. */
export class CrmRejection extends UnprocessableEntityException {
  constructor(field: string, reason: string) {
    super({ statusCode: 422, error: 'Unprocessable Entity', message: `${field}: ${reason}` });
  }
}

interface LockedDeal {
  id: string;
  name: string;
  owner_id: string;
  amount: string;
  currency: string;
  stage: string;
  expected_close_date: string | null;
}

/** The event a move into `to` is, as DealsService emits it. */
function stageEventType(to: Stage): LoggedEventType {
  return to.kind === 'won' ? 'deal.won' : to.kind === 'lost' ? 'deal.lost' : 'deal.stageChanged';
}

const LABEL: Record<CrmProvider, string> = { hubspot: 'HubSpot', pipedrive: 'Pipedrive' };

@Injectable()
export class CrmDeals {
  constructor(
    private readonly stages: StagesService,
    private readonly settings: CrmSettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the deal when the CRM's id is new to us, else changes what differs. */
  async upsert(tx: WriteTx, provider: CrmProvider, externalId: string, patch: CrmDealPatch): Promise<CrmOutcome> {
    const existing = await this.lock(tx.manager, provider, externalId);
    if (existing) return this.update(tx, provider, existing, patch);
    const ownerId = patch.ownerId ?? (await this.settings.defaultOwner(tx.manager, provider));
    if (!ownerId)
      throw new CrmRejection(
        'owner',
        `no active rep to own deals from ${LABEL[provider]}: create a rep, or set defaultOwnerId with PUT /api/webhooks/${provider}/stage-map`,
      );
    const stage = patch.stage ?? this.stages.firstOpen();
    const now = new Date();
    const inserted: { id: string }[] = await tx.manager.query(
      `INSERT INTO deals (source, external_id, name, owner_id, amount, currency, stage, created_at, expected_close_date, closed_at, stage_entered_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, $8)
       ON CONFLICT (source, external_id) DO NOTHING RETURNING id`,
      [
        provider,
        externalId,
        patch.name ?? `${LABEL[provider]} deal ${externalId}`,
        ownerId,
        patch.amount ?? '0.00',
        patch.currency ?? this.config.currency,
        stage.key,
        now,
        patch.expectedCloseDate ?? null,
        stage.kind === 'open' ? null : now,
      ],
    );
    if (inserted.length === 0) {
      // Another delivery for the same new deal committed first: this one is an update of it.
      const raced = await this.lock(tx.manager, provider, externalId);
      if (!raced) throw new Error(`deal ${provider}:${externalId} neither inserted nor found`);
      return this.update(tx, provider, raced, patch);
    }
    const id = inserted[0].id;
    await this.recordStage(tx.manager, id, null, stage.key, patch.amount ?? '0.00', ownerId, now, provider);
    tx.emit('deal.created', { deal: await this.reload(tx.manager, id) });
    return 'created';
  }

  async remove(tx: WriteTx, provider: CrmProvider, externalId: string): Promise<CrmOutcome> {
    const existing = await this.lock(tx.manager, provider, externalId);
    if (!existing) return 'unchanged';
    const deal = await this.reload(tx.manager, existing.id);
    await tx.manager.query('DELETE FROM deals WHERE id = $1', [existing.id]);
    emitDealDeleted(tx, { deal });
    return 'deleted';
  }

  private async update(tx: WriteTx, provider: CrmProvider, deal: LockedDeal, patch: CrmDealPatch): Promise<CrmOutcome> {
    const changes: Record<string, unknown> = {};
    const changed: (keyof Deal)[] = [];
    const set = (field: keyof Deal, column: string, value: unknown) => {
      changes[column] = value;
      changed.push(field);
    };
    if (patch.name !== undefined && patch.name !== deal.name) set('name', 'name', patch.name);
    if (patch.amount !== undefined && patch.amount !== normalizeMoney(deal.amount)) set('amount', 'amount', patch.amount);
    if (patch.currency !== undefined && patch.currency !== deal.currency.trim()) set('currency', 'currency', patch.currency);
    if (patch.expectedCloseDate !== undefined && patch.expectedCloseDate !== deal.expected_close_date)
      set('expectedCloseDate', 'expected_close_date', patch.expectedCloseDate);
    if (patch.ownerId !== undefined && patch.ownerId !== deal.owner_id) set('ownerId', 'owner_id', patch.ownerId);
    const to = patch.stage && patch.stage.key !== deal.stage ? patch.stage : null;
    if (changed.length === 0 && !to) return 'unchanged';

    const before = await this.reload(tx.manager, deal.id);
    const now = new Date();
    if (to) Object.assign(changes, { stage: to.key, stage_entered_at: now, closed_at: to.kind === 'open' ? null : now });
    const columns = Object.keys(changes);
    await tx.manager.query(`UPDATE deals SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = $${columns.length + 2} WHERE id = $1`, [
      deal.id,
      ...Object.values(changes),
      now,
    ]);
    if (to)
      await this.recordStage(
        tx.manager,
        deal.id,
        deal.stage,
        to.key,
        patch.amount ?? normalizeMoney(deal.amount),
        patch.ownerId ?? deal.owner_id,
        now,
        provider,
      );
    const after = await this.reload(tx.manager, deal.id);
    if (changed.length) {
      const previous = Object.fromEntries(changed.map((field) => [field, before[field]])) as Partial<Deal>;
      if (changes.owner_id) Object.assign(previous, { ownerName: before.ownerName, teamId: before.teamId, territoryId: before.territoryId });
      tx.emit('deal.updated', { deal: after, changed, previous });
    }
    if (to) tx.emit(stageEventType(to), { deal: after, from: deal.stage, to: to.key });
    return 'updated';
  }

  /** Locks the deal's row: concurrent deliveries for one deal queue instead of interleaving. */
  private async lock(manager: EntityManager, provider: CrmProvider, externalId: string): Promise<LockedDeal | null> {
    const rows: LockedDeal[] = await manager.query(
      `SELECT id, name, owner_id, amount::text AS amount, currency, stage, to_char(expected_close_date, 'YYYY-MM-DD') AS expected_close_date
         FROM deals WHERE source = $1 AND external_id = $2 FOR UPDATE`,
      [provider, externalId],
    );
    return rows[0] ?? null;
  }

  private async reload(manager: EntityManager, id: string): Promise<Deal> {
    const deal = await findDeal(manager, id);
    if (!deal) throw new Error(`deal ${id} vanished inside its own transaction`);
    return deal;
  }

  private async recordStage(
    manager: EntityManager,
    dealId: string,
    from: string | null,
    to: string,
    amount: string,
    repId: string,
    at: Date,
    provider: CrmProvider,
  ): Promise<void> {
    await manager.query('INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      dealId,
      from,
      to,
      amount,
      repId,
      at,
      provider,
    ]);
  }
}

/** Records a delivery as applied, in the transaction of its change; false when it was seen before. */
export async function claimDelivery(manager: EntityManager, provider: CrmProvider, deliveryId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    'INSERT INTO webhook_deliveries (provider, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING delivery_id',
    [provider, deliveryId],
  );
  return rows.length > 0;
}
