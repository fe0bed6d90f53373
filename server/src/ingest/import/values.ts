/**
 * Reading the values of a CSV cell as people and CRMs write them: amounts with thousands
 * separators and currency signs, dates in three formats. Pure functions, each answering either
 * the value or a reason the row can be rejected with.
 */
import { DATE_RANGE, type DateFormat, isDateInRange, isWithinAmountBound, MAX_AMOUNT, toMinor } from '@salesboard/shared';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What may stand before or after an amount: currency signs and codes ("Rp", "$", "USD", "US$"), nothing else. */
const CURRENCY_AFFIX = /^(?:\p{Sc}|[A-Z]{3}|Rp\.?|Rs\.?|[A-Z]{1,2}\$)*$/u;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/**
 * "1,500,000.50", "1.500.000,50", "Rp 1.500.000", "$1,500", "1 500 000" → "1500000.50".
 * A separator followed by exactly three digits groups thousands; one or two digits are
 * decimals (money has at most two); with both kinds present, the last one is the decimal point.
 */
export function parseAmount(text: string): Parsed<string> {
  const compact = text.replace(/[\s\u00a0\u202f']/g, '');
  const core = /^(\D*?)(-?\d[\d.,]*)(\D*)$/u.exec(compact);
  if (!core || !CURRENCY_AFFIX.test(core[1].replace(/-$/, '')) || !CURRENCY_AFFIX.test(core[3])) {
    return no(/^\(.*\)$|^-/.test(compact) ? `"${text}" is negative` : `"${text}" is not an amount`);
  }
  if (core[1].endsWith('-') || core[2].startsWith('-')) return no(`"${text}" is negative`);
  const cleaned = core[2];
  const lastDot = cleaned.lastIndexOf('.');
  const lastComma = cleaned.lastIndexOf(',');
  let whole = cleaned;
  let fraction = '';
  const decimalAt = (at: number) => {
    whole = cleaned.slice(0, at);
    fraction = cleaned.slice(at + 1);
  };
  if (lastDot >= 0 && lastComma >= 0) decimalAt(Math.max(lastDot, lastComma));
  else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const at = Math.max(lastDot, lastComma);
    const single = cleaned.indexOf(sep) === at;
    const digitsAfter = cleaned.length - at - 1;
    if (single && digitsAfter !== 3) decimalAt(at);
  }
  whole = whole.replace(/[.,]/g, '');
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return no(`"${text}" is not an amount`);
  if (fraction.length > 2) return no(`"${text}" has more than 2 decimals`);
  const amount = `${whole.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
  // The bound the API's schema states, so a row or a CRM cannot store what a request may not.
  if (!isWithinAmountBound(toMinor(amount))) return no(`"${text}" is above the most an amount may be, ${MAX_AMOUNT}`);
  return ok(amount);
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])/;
const PARTS_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:$|[\s,T])/;
/** Excel's and HubSpot's "2026-03-15 10:32" and "3/15/2026 10:32 AM" are dates with a time: the date counts. */

/** The calendar date, or null when there is no such day (2026-02-30 is not rolled into March). */
function isoOf(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999, and so 0000-02-29 as 1900's.
  const lastOfMonth = new Date(0);
  lastOfMonth.setUTCFullYear(year, month, 0);
  if (day > lastOfMonth.getUTCDate()) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A real date inside DATE_RANGE, or the reason it is not one. */
function inRange(text: string, date: string | null, notADate: string): Parsed<string> {
  if (date === null) return no(notADate);
  return isDateInRange(date) ? ok(date) : no(`"${text}" is outside ${DATE_RANGE.earliest} – ${DATE_RANGE.latest}`);
}

/** A cell as a calendar date "YYYY-MM-DD". ISO dates are read in any format; slashed ones by `format`. */
export function parseDate(text: string, format: DateFormat): Parsed<string> {
  const value = text.trim();
  const iso = ISO_DATE.exec(value);
  if (iso) {
    return inRange(text, isoOf(Number(iso[1]), Number(iso[2]), Number(iso[3])), `"${text}" is not a date`);
  }
  const parts = PARTS_DATE.exec(value);
  if (parts && format !== 'iso') {
    const [a, b] = [Number(parts[1]), Number(parts[2])];
    const year = parts[3].length === 2 ? 2000 + Number(parts[3]) : Number(parts[3]);
    const date = format === 'mdy' ? isoOf(year, a, b) : isoOf(year, b, a);
    return inRange(text, date, `"${text}" is not a date in ${format === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY'} (set dateFormat)`);
  }
  return no(`"${text}" is not a date (expected ${format === 'iso' ? 'YYYY-MM-DD' : format === 'mdy' ? 'YYYY-MM-DD or M/D/YYYY' : 'YYYY-MM-DD or D/M/YYYY'})`);
}

/** Evidence for the day-month order of slashed dates: a first part above 12 is a day, and so on. */
export class DateFormatEvidence {
  private dayFirst = 0;
  private monthFirst = 0;
  private slashed = 0;

  add(text: string): void {
    const parts = PARTS_DATE.exec(text.trim());
    if (!parts) return;
    this.slashed++;
    if (Number(parts[1]) > 12) this.dayFirst++;
    if (Number(parts[2]) > 12) this.monthFirst++;
  }

  /**
   * No slashed dates: ISO. Only ambiguous ones: M/D/YYYY, as US-made CRM exports write them,
   * unless the file is semicolon-separated, which is how European spreadsheets save CSV.
   */
  decide(delimiter: string): DateFormat {
    if (this.slashed === 0) return 'iso';
    if (this.dayFirst !== this.monthFirst) return this.dayFirst > this.monthFirst ? 'dmy' : 'mdy';
    return delimiter === ';' ? 'dmy' : 'mdy';
  }
}

/** A header or stage value reduced to letters and digits: "Deal - Stage" → "dealstage". */
export function looseKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The calendar date of an instant (by default now) in a time zone. */
export function dateIn(timeZone: string, at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The instant a calendar day starts in the organisation's time zone, so a deal closed on
 * 31 March counts in March's revenue wherever the server runs. Memoised: files repeat dates.
 */
export class ZonedDays {
  private readonly cache = new Map<string, Date>();
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  startOf(date: string): Date {
    let start = this.cache.get(date);
    if (!start) {
      const [y, m, d] = date.split('-').map(Number);
      const utc = Date.UTC(y, m - 1, d);
      let at = utc - this.offset(utc);
      // Across a DST change the offset at the guess differs: one more step settles it.
      at = utc - this.offset(at);
      start = new Date(at);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(date, start);
    }
    return start;
  }

  private offset(ms: number): number {
    const parts = Object.fromEntries(this.format.formatToParts(ms).map((p) => [p.type, p.value]));
    const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return local - Math.floor(ms / 1000) * 1000;
  }
}
