/**
 * HubSpot webhooks (API v3): a signed JSON array of events. Each event is applied in its own
 * transaction together with its eventId, so a retried delivery skips the events already
 * applied and a failed one (an unmapped stage) can succeed on HubSpot's retry once mapped.
 *
 * HubSpot's events carry one property each and no owner email (only hubspot_owner_id): deals
 * from HubSpot belong to the default owner until reassigned in Salesboard.
 */
import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type HubspotEvent, hubspotWebhookSchema, type Stage, type WebhookResult } from '@salesboard/shared';
import { describeIssues } from '../../common/zod-validation.pipe.js';
import { badField } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { type ChangeContext, EventWriter } from '../../events/event-writer.service.js';
import { parseAmount, dateIn } from '../import/values.js';
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
          if (action.kind === 'delete') return this.deals.remove(tx, 'hubspot', event.objectId);
          return this.deals.upsert(tx, 'hubspot', event.objectId, await this.patchOf(tx.manager, event, action.property));
        });
        if (outcome === 'duplicate') result.duplicates++;
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

  /** The deal fields one event sets; a property Salesboard does not keep sets nothing. */
  private async patchOf(manager: EntityManager, event: HubspotEvent, property: string | null): Promise<CrmDealPatch> {
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
      default:
        return {};
    }
  }

  /** HubSpot sends close dates as epoch milliseconds (the day in the organisation's time zone counts) or ISO dates. */
  private dateOf(value: string): string | null {
    if (!value) return null;
    if (/^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
    if (/^\d{9,15}$/.test(value)) return dateIn(this.config.timeZone, new Date(Number(value)));
    throw new CrmRejection('propertyValue', `closedate "${value}" is not a date`);
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

const HANDLED_PROPERTIES = new Set(['dealstage', 'amount', 'dealname', 'closedate', 'deal_currency_code']);
