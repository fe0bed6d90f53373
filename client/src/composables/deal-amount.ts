import { orgAmountMinorOf, type Deal } from '@salesboard/shared';
import type { Formatters } from '@/i18n/format';

/** One formatter per locale and foreign currency: Intl formatters are costly to build, and a list has many rows. */
const foreign = new Map<string, Intl.NumberFormat>();

/**
 * A foreign amount with its ISO code ("USD 1,000.00"), not a symbol: "$" would not tell USD from
 * SGD. Given to Intl as its exact decimal text, as every amount is.
 */
function foreignMoney(intlLocale: string, currency: string, amount: string): string {
  const key = `${intlLocale}|${currency}`;
  let format = foreign.get(key);
  if (!format) foreign.set(key, (format = new Intl.NumberFormat(intlLocale, { style: 'currency', currency, currencyDisplay: 'code' })));
  return format.format(amount as `${number}`);
}

/**
 * How a list shows a deal's amount: in the organisation's currency alone when that is the deal's
 * own, else the deal's own amount beside the converted one ("USD 1,000.00 · Rp 15,850,250"),
 * or beside `noRate` when its currency has no rate.
 */
export function dealAmountText(
  deal: Pick<Deal, 'amount' | 'currency' | 'amountInOrgCurrency'>,
  org: { currency: string; formatters: Formatters },
  intlLocale: string,
  noRate: string,
): string {
  const converted = deal.amountInOrgCurrency === null ? noRate : org.formatters.money(orgAmountMinorOf(deal));
  if (deal.currency === org.currency) return converted;
  return `${foreignMoney(intlLocale, deal.currency, deal.amount)} · ${converted}`;
}
