/**
 * HubSpot webhooks (API v3): a signed JSON array of events. Each event is applied in its own
 * transaction together with its eventId, so a retried delivery skips the events already
 * applied and a failed one (an unmapped stage) can succeed on HubSpot's retry once mapped.
 *
 * HubSpot's events carry one property each and no owner email, only hubspot_owner_id: the owner
 * map says which rep that is (PUT /api/webhooks/hubspot/owner-map); until then, deals from
 * HubSpot belong to the default owner.
 *
 * HubSpot retries a failed delivery for up to a day, so an old change can arrive after a newer
 * one of the same property: the time of the last change applied to each property of each deal is
 * kept, and an older one changes nothing (nor does a change older than the deal's deletion).
 */
import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DATE_RANGE, type HubspotEvent, hubspotWebhookSchema, isInstantInRange, type Stage, type WebhookResult } from '@salesboard/shared';
import { describeIssues } from '../../common/zod-validation.pipe.js';
import { badField } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { EventWriter } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { dateIn, parseAmount, parseDate } from '../import/values.js';
import { claimDelivery, type CrmDealPatch, CrmDeals, CrmRejection } from './crm-deals.js';
import { CrmSettingsService } from './crm-settings.service.js';
import { type RawBodyRequest, verifyHubspot } from './webhook-auth.js';

/** HubSpot's object type id of deals, in the generic `object.*` subscriptions. */
const DEAL_OBJECT_TYPE = '0-3';

type Action = { kind: 'upsert'; property: string | null } | { kind: 'delete' };

@Injectable()
export class HubspotWebhookService {
  constructor(
    private readonly writer: EventWriter,
    private readonly deals: CrmDeals,
    private readonly settings: CrmSettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(request: RawBodyRequest, context: ChangeContext): Promise<WebhookResult> {
    verifyHubspot(request, this.config.hubspotClientSecret);
    const parsed = hubspotWebhookSchema.safeParse(request.body);
    if (!parsed.success) {
      const [issue] = describeIssues(parsed.error.issues);
      throw badField(issue.path, issue.message);
    }
    const result: WebhookResult = { received: parsed.data.length, applied: 0, duplicates: 0, ignored: 0 };
    const failures: string[] = [];
    // In the order they happened: a batch may hold a deal's creation and its first changes.
    const events = parsed.data.map((event, index) => ({ event, index })).sort((a, b) => a.event.occurredAt - b.event.occurredAt);
    for (const { event, index } of events) {
      const action = actionOf(event);
      if (!action) {
        result.ignored++;
        continue;
      }
      try {
        const outcome = await this.writer.transaction(context, async (tx) => {
          if (!(await claimDelivery(tx.manager, 'hubspot', event.eventId))) return 'duplicate';
          if (!(await this.newest(tx.manager, event, action))) return 'ignored';
          if (action.kind === 'delete') return this.deals.remove(tx, 'hubspot', event.objectId);
          const patch = await this.patchOf(tx.manager, event, action.property);
          return patch ? this.deals.upsert(tx, 'hubspot', event.objectId, patch) : 'ignored';
        });
        if (outcome === 'duplicate') result.duplicates++;
        else if (outcome === 'ignored') result.ignored++;
        else result.applied++;
      } catch (error) {
        if (!(error instanceof CrmRejection)) throw error;
        failures.push(`${index}.${String((error.getResponse() as { message: string }).message)}`);
      }
    }
    if (failures.length) {
      // Not applied, so not recorded as seen: HubSpot's retry applies them once the cause is fixed.
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `${failures.join('; ')} (${result.applied} other events applied)`,
      });
    }
    return result;
  }

  /**
   * Whether the event is newer than what was applied to its property (or, for a deletion, to the
   * deal) before; if so its time becomes the property's. Changes and creations older than the
   * deal's deletion are old too: they must not bring the deal back.
   */
  private async newest(manager: EntityManager, event: HubspotEvent, action: Action): Promise<boolean> {
    const deletedAt: { occurred_at: string }[] = await manager.query(
      `SELECT occurred_at FROM crm_property_clock WHERE provider = 'hubspot' AND object_id = $1 AND property = $2`,
      [event.objectId, DELETION],
    );
    if (deletedAt.length && Number(deletedAt[0].occurred_at) > event.occurredAt) return false;
    const property = action.kind === 'delete' ? DELETION : action.property;
    if (property === null) return true;
    const advanced: unknown[] = await manager.query(
      `INSERT INTO crm_property_clock AS c (provider, object_id, property, occurred_at) VALUES ('hubspot', $1, $2, $3)
       ON CONFLICT (provider, object_id, property) DO UPDATE SET occurred_at = EXCLUDED.occurred_at WHERE c.occurred_at <= EXCLUDED.occurred_at
       RETURNING 1`,
      [event.objectId, property, event.occurredAt],
    );
    return advanced.length > 0;
  }

  /** The deal fields one event sets (a property Salesboard does not keep sets nothing), or null for an owner not in the owner map. */
  private async patchOf(manager: EntityManager, event: HubspotEvent, property: string | null): Promise<CrmDealPatch | null> {
    const value = event.propertyValue?.trim() ?? '';
    switch (property) {
      case 'dealstage': {
        const stage: Stage | null = await this.settings.stageFor(manager, 'hubspot', value);
        if (!stage)
          throw new CrmRejection('propertyValue', `HubSpot stage "${value}" is not in the stage map (add it with PUT /api/webhooks/hubspot/stage-map)`);
        return { stage };
      }
      case 'amount': {
        if (!value) return { amount: '0.00' };
        const amount = parseAmount(value);
        if (!amount.ok) throw new CrmRejection('propertyValue', `amount ${amount.reason}`);
        return { amount: amount.value };
      }
      case 'dealname':
        return value ? { name: value.slice(0, 200) } : {};
      case 'closedate':
        return { expectedCloseDate: this.dateOf(value) };
      case 'deal_currency_code':
        return /^[A-Za-z]{3}$/.test(value) ? { currency: value.toUpperCase() } : {};
      case 'hubspot_owner_id': {
        if (!value) return {};
        const ownerId = await this.settings.repForOwnerId(manager, 'hubspot', value);
        return ownerId ? { ownerId } : null;
      }
      default:
        return {};
    }
  }

  /** HubSpot sends close dates as epoch milliseconds (the day in the organisation's time zone counts) or ISO dates. */
  private dateOf(value: string): string | null {
    if (!value) return null;
    if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
      const date = parseDate(value.slice(0, 10), 'iso');
      if (!date.ok) throw new CrmRejection('propertyValue', `closedate ${date.reason}`);
      return date.value;
    }
    if (/^\d{9,15}$/.test(value) && isInstantInRange(Number(value))) return dateIn(this.config.timeZone, new Date(Number(value)));
    throw new CrmRejection('propertyValue', `closedate "${value}" is not a date between ${DATE_RANGE.earliest} and ${DATE_RANGE.latest}`);
  }
}

/** What an event asks for, or null for events about other objects or properties we do not keep. */
function actionOf(event: HubspotEvent): Action | null {
  const [object, verb] = event.subscriptionType.split('.');
  if (object === 'object' && event.objectTypeId !== DEAL_OBJECT_TYPE) return null;
  if (object !== 'deal' && object !== 'object') return null;
  switch (verb) {
    case 'creation':
    case 'restore':
      return { kind: 'upsert', property: null };
    case 'deletion':
      return { kind: 'delete' };
    case 'propertyChange':
      return event.propertyName && HANDLED_PROPERTIES.has(event.propertyName) ? { kind: 'upsert', property: event.propertyName } : null;
    default:
      return null;
  }
}

const HANDLED_PROPERTIES = new Set(['dealstage', 'amount', 'dealname', 'closedate', 'deal_currency_code', 'hubspot_owner_id']);
/** The clock of a deal's deletion, beside those of its properties (no HubSpot property is named so). */
const DELETION = '$deleted';
