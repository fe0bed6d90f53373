/**
 * Exchange rates: how an amount in a deal's own currency becomes an amount in the organisation's.
 * A rate is units of the organisation's currency per one unit of the deal's, in effect from its
 * `validFrom` day until the next rate of that currency; the organisation's own currency converts
 * at exactly 1 without a rate. Rates are decimals, never floats, and the one rounding is stated
 * here: half-even ("banker's") to the organisation's minor unit, after an exact product.
 */
import { z } from 'zod';
import type { Deal, IsoDate, IsoInstant } from './domain.js';
import { toMinor } from './money.js';
import { currencySchema, isoDateSchema } from './schemas.js';

/** numeric(30,12): up to 18 whole digits and 12 decimals. */
const RATE_PATTERN = /^\d{1,18}(\.\d{1,12})?$/;

/** A rate as a decimal string ("15850.25"); a JSON number is accepted and read as typed. */
export const rateSchema = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? String(value) : value.trim()))
  .refine((text) => RATE_PATTERN.test(text), { message: 'must be a decimal like 15850.25 (up to 18 digits and 12 decimals)' })
  .refine((text) => /[1-9]/.test(text), { message: 'must be greater than 0' });

export const putExchangeRateSchema = z.object({ rate: rateSchema }).strict();
export type PutExchangeRateInput = z.infer<typeof putExchangeRateSchema>;

/** The path of `PUT|DELETE /api/exchange-rates/:currency/:validFrom`. */
export const exchangeRateKeySchema = z.object({ currency: currencySchema, validFrom: isoDateSchema });
export type ExchangeRateKey = z.infer<typeof exchangeRateKeySchema>;

/** One row of a rates CSV: `currency,validFrom,rate` (a `date` header is read as validFrom). */
export const exchangeRateRowSchema = exchangeRateKeySchema.extend({ rate: rateSchema });

export interface ExchangeRate {
  currency: string;
  validFrom: IsoDate;
  /** Units of the organisation's currency per 1 unit of `currency`, as a decimal string. */
  rate: string;
  updatedAt: IsoInstant;
}

export interface ExchangeRatesAnswer {
  /** The organisation's currency: every figure is in it, and it needs no rate. */
  orgCurrency: string;
  rates: ExchangeRate[];
}

/** The message every write path answers (422) when a deal's currency has no rate on its day. */
export function noRateMessage(currency: string, day: IsoDate): string {
  return `currency: no exchange rate for ${currency} on ${day}; add one in Admin → Exchange rates or PUT /api/exchange-rates/${currency}/${day}`;
}

/** "15850.25" → { units: 1585025n, scale: 2n }: the rate as an exact fraction units / 10^scale. */
function rateFraction(rate: string): { units: bigint; scale: bigint } {
  if (!RATE_PATTERN.test(rate)) throw new RangeError(`not a rate: ${rate}`);
  const [whole, fraction = ''] = rate.split('.');
  return { units: BigInt(whole + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** numerator / denominator (denominator > 0) rounded half to even. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('the denominator must be positive');
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  let quotient = abs / denominator;
  const twiceRemainder = (abs % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/**
 * Minor units of the deal's currency × rate → minor units of the organisation's, exact until the
 * single half-even rounding. Both currencies have two decimals (money.ts), so minor maps to minor.
 */
export function convertMinor(amountMinor: bigint, rate: string): bigint {
  const { units, scale } = rateFraction(rate);
  return divideHalfEven(amountMinor * units, scale);
}

/**
 * The rates of an organisation, for lookups by currency and day. A currency's rates are kept
 * sorted by day, so "the rate in effect on D" is the last one starting on or before D.
 */
export class RateTable {
  private readonly byCurrency = new Map<string, { validFrom: IsoDate; rate: string }[]>();

  constructor(
    readonly orgCurrency: string,
    rates: readonly { currency: string; validFrom: IsoDate; rate: string }[],
  ) {
    for (const { currency, validFrom, rate } of rates) {
      const list = this.byCurrency.get(currency) ?? [];
      list.push({ validFrom, rate });
      this.byCurrency.set(currency, list);
    }
    for (const list of this.byCurrency.values()) list.sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  }

  /** The rate in effect for `currency` on `day` ("1" for the organisation's own); null when there is none. */
  rateOn(currency: string, day: IsoDate): string | null {
    if (currency === this.orgCurrency) return '1';
    const list = this.byCurrency.get(currency);
    if (!list) return null;
    let low = 0;
    let high = list.length - 1;
    let found: string | null = null;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (list[middle].validFrom <= day) {
        found = list[middle].rate;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** The amount in the organisation's currency on `day`, or null when `currency` has no rate then. */
  convert(amountMinor: bigint, currency: string, day: IsoDate): bigint | null {
    // The common case, on the aggregates' hot path: no lookup, no arithmetic.
    if (currency === this.orgCurrency) return amountMinor;
    const rate = this.rateOn(currency, day);
    return rate === null ? null : convertMinor(amountMinor, rate);
  }

  /** Whether some rate of a foreign currency starts on `day`: the day open deals change value. */
  startsOn(day: IsoDate): boolean {
    for (const list of this.byCurrency.values()) if (list.some((r) => r.validFrom === day)) return true;
    return false;
  }
}

/**
 * A deal's amount in the organisation's currency, in minor units, for whatever adds deals up on
 * screen (pipeline bars, list totals): 0 when its currency has no rate, never its own amount.
 */
export function orgAmountMinorOf(deal: Pick<Deal, 'amountInOrgCurrency'>): bigint {
  return deal.amountInOrgCurrency === null ? 0n : toMinor(deal.amountInOrgCurrency);
}
