/**
 * Pipedrive webhooks v2: one delivery per request, `meta` (what happened, the delivery id),
 * `data` (the deal now) and `previous` (the changed fields' old values; `previous.stage_id` on a
 * stage move). Won and lost are Pipedrive statuses, not stages: they move the deal to our won or
 * lost stage whatever its stage id. The owner is the rep the owner map gives for `owner_id`
 * (v2; `user_id` in v1), else the rep of `owner_email`/`owner_name` when a payload has them (v1,
 * relays); a new deal with neither gets the default owner.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { DATE_RANGE_MESSAGE, isInstantInRange, type PipedriveDeal, pipedriveDealSchema, pipedriveWebhookSchema, type WebhookResult } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { describeIssues } from '../../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { EventWriter } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { StagesService } from '../../stages/stages.service.js';
import { parseAmount, parseDate } from '../import/values.js';
import { claimDelivery, type CrmDealPatch, CrmDeals, CrmRejection } from './crm-deals.js';
import { CrmSettingsService } from './crm-settings.service.js';
import { verifyPipedrive } from './webhook-auth.js';

@Injectable()
export class PipedriveWebhookService {
  constructor(
    private readonly writer: EventWriter,
    private readonly deals: CrmDeals,
    private readonly settings: CrmSettingsService,
    private readonly stages: StagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(authorization: string | undefined, body: unknown, context: ChangeContext): Promise<WebhookResult> {
    verifyPipedrive(authorization, this.config.pipedriveUser, this.config.pipedrivePassword);
    const delivery = parse(pipedriveWebhookSchema, body, '');
    const result: WebhookResult = { received: 1, applied: 0, duplicates: 0, ignored: 0 };
    const { meta } = delivery;
    if (meta.entity !== 'deal' || !['create', 'change', 'delete'].includes(meta.action)) {
      result.ignored = 1;
      return result;
    }
    const remove = meta.action === 'delete';
    const deal = remove ? null : parse(pipedriveDealSchema, delivery.data ?? undefined, 'data.');
    const dealId = deal?.id ?? idOf(delivery.previous?.id) ?? meta.entity_id;
    if (!dealId) throw badField('meta.entity_id', 'is required to know which deal was deleted');

    const sentAt = instantOf(meta.timestamp);
    const outcome = await this.writer.transaction(context, async (tx) => {
      if (!(await claimDelivery(tx.manager, 'pipedrive', meta.id))) return 'duplicate';
      if (sentAt !== null && !(await this.newest(tx.manager, dealId, sentAt))) return 'ignored';
      if (!deal || deal.status === 'deleted') return this.deals.remove(tx, 'pipedrive', dealId);
      return this.deals.upsert(tx, 'pipedrive', dealId, await this.patchOf(tx.manager, deal, meta.action === 'create'));
    });
    if (outcome === 'duplicate') result.duplicates = 1;
    else if (outcome === 'ignored') result.ignored = 1;
    else result.applied = 1;
    return result;
  }

  /**
   * Pipedrive sends the whole deal each time, so a retry that arrives after a later change would
   * put the deal back as it was: a delivery counts only when it is newer than the last one applied
   * to that deal (deletion included), by the time Pipedrive stamped it.
   */
  private async newest(manager: EntityManager, dealId: string, sentAt: number): Promise<boolean> {
    const advanced: unknown[] = await manager.query(
      `INSERT INTO crm_property_clock AS c (provider, object_id, property, occurred_at) VALUES ('pipedrive', $1, $2, $3)
       ON CONFLICT (provider, object_id, property) DO UPDATE SET occurred_at = EXCLUDED.occurred_at WHERE c.occurred_at <= EXCLUDED.occurred_at
       RETURNING 1`,
      [dealId, WHOLE_DEAL, sentAt],
    );
    return advanced.length > 0;
  }

  /** `data` is the whole deal as it is now: every field is set, the deal writer keeps what did not change. */
  private async patchOf(manager: EntityManager, deal: PipedriveDeal, created: boolean): Promise<CrmDealPatch> {
    const patch: CrmDealPatch = {};
    if (deal.title?.trim()) patch.name = deal.title.trim().slice(0, 200);
    if (deal.value !== undefined) {
      const amount = deal.value === null || deal.value === '' ? null : parseAmount(String(deal.value));
      if (amount && !amount.ok) throw new CrmRejection('data.value', amount.reason);
      patch.amount = amount ? amount.value : '0.00';
    }
    if (deal.currency && /^[A-Za-z]{3}$/.test(deal.currency)) patch.currency = deal.currency.toUpperCase();
    if (deal.expected_close_date !== undefined) {
      const text = deal.expected_close_date ?? null;
      // A 400, not CrmRejection's 422: no later retry of this delivery can make 2026-02-30 a day.
      const date = text === null ? null : /^\d{4}-\d{2}-\d{2}$/.test(text.slice(0, 10)) ? parseDate(text.slice(0, 10), 'iso') : null;
      if (text !== null && !date?.ok) throw badField('data.expected_close_date', date && !date.ok ? date.reason : `"${text}" is not a date`);
      patch.expectedCloseDate = date?.ok ? date.value : null;
    }
    if (deal.status === 'won' || deal.status === 'lost') {
      const stage = this.stages.list().find((s) => s.kind === deal.status);
      if (!stage) throw new CrmRejection('data.status', `the pipeline has no ${deal.status} stage`);
      patch.stage = stage;
    } else if (deal.stage_id) {
      const stage = await this.settings.stageFor(manager, 'pipedrive', deal.stage_id);
      if (!stage)
        throw new CrmRejection('data.stage_id', `Pipedrive stage ${deal.stage_id} is not in the stage map (add it with PUT /api/webhooks/pipedrive/stage-map)`);
      patch.stage = stage;
    }
    const crmOwner = deal.owner_id ?? userIdOf((deal as Record<string, unknown>).user_id);
    const owner =
      (crmOwner ? await this.settings.repForOwnerId(manager, 'pipedrive', crmOwner) : null) ??
      (await this.settings.repFor(manager, deal.owner_email, deal.owner_name));
    if (owner) patch.ownerId = owner;
    else if (created) {
      const fallback = await this.settings.defaultOwner(manager, 'pipedrive');
      if (fallback) patch.ownerId = fallback;
    }
    return patch;
  }
}

/** Validates a part of the delivery; a failure is a 400 naming the field by its path in the body. */
function parse<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = describeIssues(parsed.error.issues);
  throw badField(issue.path === 'body' && prefix ? prefix.replace(/\.$/, '') : `${prefix}${issue.path}`, issue.message);
}

function idOf(value: unknown): string | null {
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null;
}

/** v1 sends `user_id` as a number, or as the user object `{ id, name, email }`. */
function userIdOf(value: unknown): string | null {
  if (value !== null && typeof value === 'object') return idOf((value as { id?: unknown }).id);
  return idOf(value);
}

/** The clock of a Pipedrive deal as a whole (no Pipedrive field is named so). */
const WHOLE_DEAL = '(deal)';

/** `meta.timestamp` in milliseconds: an ISO instant (v2), or seconds or milliseconds since 1970 (v1). */
function instantOf(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  if (typeof value === 'number') {
    const ms = value < 1e12 ? value * 1000 : value;
    // The clock column is a bigint: 1e300 or a fraction would fail there as a 500.
    if (!Number.isInteger(ms) || !isInstantInRange(ms)) throw badField('meta.timestamp', DATE_RANGE_MESSAGE);
    return ms;
  }
  if (/^\d+$/.test(value)) return instantOf(Number(value));
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  if (!isInstantInRange(ms)) throw badField('meta.timestamp', DATE_RANGE_MESSAGE);
  return ms;
}
