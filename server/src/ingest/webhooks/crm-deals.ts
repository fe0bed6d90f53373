/**
 * Applying a CRM's change to the deal it has in Salesboard (matched by source and external id)
 * through DealCommands, inside the caller's transaction, so the delivery id is recorded with the
 * change it made. The CRM is the source of truth for its deals: a deal it reopens is reopened,
 * without the REST API's explicit `reopen`.
 */
import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CrmProvider, Stage } from '@salesboard/shared';
import { DealCommands } from '../../deals/deal-commands.service.js';
import type { WriteTx } from '../../events/event-writer.service.js';
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

const LABEL: Record<CrmProvider, string> = { hubspot: 'HubSpot', pipedrive: 'Pipedrive' };

@Injectable()
export class CrmDeals {
  constructor(
    private readonly commands: DealCommands,
    private readonly settings: CrmSettingsService,
  ) {}

  /** Creates the deal when the CRM's id is new to us, else changes what differs (a reopen included). */
  upsert(tx: WriteTx, provider: CrmProvider, externalId: string, patch: CrmDealPatch): Promise<CrmOutcome> {
    return this.commands.upsertByExternalId(tx, { source: provider }, provider, externalId, patch, async () => {
      const ownerId = await this.settings.defaultOwner(tx.manager, provider);
      if (!ownerId)
        throw new CrmRejection(
          'owner',
          `no active rep to own deals from ${LABEL[provider]}: create a rep, or set defaultOwnerId with PUT /api/webhooks/${provider}/stage-map`,
        );
      return { ownerId, name: `${LABEL[provider]} deal ${externalId}` };
    });
  }

  remove(tx: WriteTx, provider: CrmProvider, externalId: string): Promise<CrmOutcome> {
    return this.commands.deleteByExternalId(tx, provider, externalId);
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
