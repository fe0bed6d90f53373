/**
 * Exchange rates: listed to every reader, set and deleted by admins (audited), and the check
 * every deal write makes through DealCommands: a deal's currency must have a rate in effect on
 * its day, or the write is refused with the currency and the day named. A change is announced as
 * `org.changed` (entity `exchangeRate`): every node's KPI store rebuilds on it, and the screens
 * receive the new figures through the usual push.
 */
import { Inject, Injectable, type OnModuleInit, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ExchangeRate, type ExchangeRatesAnswer, localDateOf, noRateMessage } from '@salesboard/shared';
import type { AuditedChange } from '../auth/audited-change.decorator.js';
import { writeAudit } from '../auth/audit.service.js';
import { conflict, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { EventWriter } from '../events/event-writer.service.js';
import { dealsLeftWithoutRate, deleteRate, findRate, listRates, pairsWithoutRate, recordOrgCurrency, upsertRate } from './exchange-rates.repository.js';

/** 422, as a CRM delivery's unusable data is: the request is well formed, the organisation lacks the rate. */
export function noExchangeRate(currency: string, day: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: noRateMessage(currency, day),
    issues: [{ path: 'currency', message: noRateMessage(currency, day).slice('currency: '.length) }],
  });
}

@Injectable()
export class ExchangeRatesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Before any figure is read: SQL conversion takes the currency and zone from the database. */
  async onModuleInit(): Promise<void> {
    await recordOrgCurrency(this.dataSource.manager, this.config.currency, this.config.timeZone);
  }

  get orgCurrency(): string {
    return this.config.currency;
  }

  async list(): Promise<ExchangeRatesAnswer> {
    return { orgCurrency: this.config.currency, rates: await listRates(this.dataSource.manager) };
  }

  /** The organisation's local day of an instant: the day a deal closed at `at` converts on. */
  dayOf(at: Date): string {
    return localDateOf(at, this.config.timeZone);
  }

  /**
   * Why amounts in each currency on each day cannot be converted: asked once for many pairs (an
   * import's batch, one query), answered per pair, synchronously: null when it can be.
   */
  async missingRates(manager: EntityManager, pairs: Iterable<{ currency: string; day: string }>): Promise<(currency: string, day: string) => string | null> {
    const asked = new Map<string, { currency: string; day: string }>();
    for (const pair of pairs) if (pair.currency !== this.config.currency) asked.set(`${pair.currency} ${pair.day}`, pair);
    const missing = new Set((await pairsWithoutRate(manager, [...asked.values()])).map((p) => `${p.currency} ${p.day}`));
    return (currency, day) => (missing.size > 0 && missing.has(`${currency} ${day}`) ? noRateMessage(currency, day) : null);
  }

  /** Refuses with 422 (the first pair, in the order given) unless every pair has a rate in effect. */
  async requireRates(manager: EntityManager, pairs: readonly { currency: string; day: string }[]): Promise<void> {
    const missing = await this.missingRates(manager, pairs);
    const first = pairs.find((p) => missing(p.currency, p.day) !== null);
    if (first) throw noExchangeRate(first.currency, first.day);
  }

  async put(currency: string, validFrom: string, rate: string, change: AuditedChange): Promise<ExchangeRate> {
    this.refuseOrgCurrency(currency);
    return this.writer.transaction(change, async (tx) => {
      const before = await findRate(tx.manager, currency, validFrom, true);
      const after = await upsertRate(tx.manager, currency, validFrom, rate);
      if (before?.rate === after.rate) return before;
      await writeAudit(tx.manager, change, {
        action: before ? 'exchangeRate.update' : 'exchangeRate.create',
        target: `exchangeRate:${currency}/${validFrom}`,
        details: { rate: { from: before?.rate ?? null, to: after.rate } },
      });
      tx.emit('org.changed', { entity: 'exchangeRate', id: `${currency}/${validFrom}`, name: currency });
      return after;
    });
  }

  /** Refused (409) while a deal would be left with no rate on its day: nothing is ever summed unconverted. */
  async remove(currency: string, validFrom: string, change: AuditedChange): Promise<void> {
    await this.writer.transaction(change, async (tx) => {
      const before = await findRate(tx.manager, currency, validFrom, true);
      if (!before) throw notFound('exchange rate', `${currency}/${validFrom}`);
      // Writers of deals take no lock on rates: a deal written meanwhile is checked again by its own write's rule.
      const stranded = await dealsLeftWithoutRate(tx.manager, currency, validFrom, this.config.timeZone);
      if (stranded > 0) {
        throw conflict(
          `rate: ${stranded} deal(s) in ${currency} on or after ${validFrom} would have no exchange rate; add an earlier rate or change those deals first`,
        );
      }
      await deleteRate(tx.manager, currency, validFrom);
      await writeAudit(tx.manager, change, {
        action: 'exchangeRate.delete',
        target: `exchangeRate:${currency}/${validFrom}`,
        details: { rate: { from: before.rate, to: null } },
      });
      tx.emit('org.changed', { entity: 'exchangeRate', id: `${currency}/${validFrom}`, name: currency });
    });
  }

  private refuseOrgCurrency(currency: string): void {
    if (currency === this.config.currency) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `currency: ${currency} is the organisation's currency; it always converts at 1`,
      });
    }
  }
}
