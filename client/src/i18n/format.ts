import { fromMinor } from '@salesboard/shared';

/**
 * Number, money and time formats for one locale and currency. Money is passed to Intl as its
 * exact decimal text (`fromMinor`), never as a float, so large amounts print the digits stored.
 */
export interface Formatters {
  /** "Rp 1.234.567" (id) / "Rp 1,234,567" (en): the currency's usual digits. */
  money(minor: number): string;
  /** "Rp 1,2 M" (id) / "Rp 1.2B" (en): for a TV read across the room. */
  compactMoney(minor: number): string;
  count(value: number): string;
  /** "14:05": a clock time in the given time zone (the viewer's when omitted). */
  time(iso: string): string;
}

type NumericText = `${number}`;

function exactDecimal(minor: number): NumericText {
  return fromMinor(minor) as NumericText;
}

export function createFormatters(intlLocale: string, currency: string, timeZone?: string): Formatters {
  // narrowSymbol: en-US would otherwise print "IDR 1.2B" where people expect "Rp".
  const money = new Intl.NumberFormat(intlLocale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
  const compactMoney = new Intl.NumberFormat(intlLocale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const count = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 0 });
  const time = new Intl.DateTimeFormat(intlLocale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  return {
    money: (minor) => money.format(exactDecimal(minor)),
    compactMoney: (minor) => compactMoney.format(exactDecimal(minor)),
    count: (value) => count.format(value),
    time: (iso) => time.format(new Date(iso)),
  };
}
