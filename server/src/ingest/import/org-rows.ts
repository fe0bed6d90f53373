/**
 * From a CSV record to the rep, account, product or activity it describes, or to the reason it
 * is rejected: everything decided from the row alone. Names of teams, territories, reps and
 * deals are resolved against the database by the kind's writer.
 */
import { createHash } from 'node:crypto';
import { type ActivityType, currencySchema, DATE_RANGE, type DateFormat, type ImportKindField, isInstantInRange, rateSchema } from '@salesboard/shared';
import { nameKey } from '../../org/org.entities.js';
import type { CsvRecord } from './csv-source.js';
import type { KeyedRow } from './job-batch.js';
import { guessActivityType, type KindPlan, type OrgKind } from './kind-columns.js';
import { type OwnerRef, ownerRef, type Rejection } from './row-reader.js';
import { looseKey, parseAmount, parseDate, type ZonedDays } from './values.js';

export type Read<R> = { row: R } | { rejection: Rejection };

export interface RepImportRow extends KeyedRow {
  name: string;
  email: string | null;
  /** null: the file says nothing (no column, or an empty cell), so an existing rep keeps theirs. */
  team: string | null;
  territory: string | null;
  active: boolean | null;
}

export interface AccountImportRow extends KeyedRow {
  name: string;
  territory: string | null;
}

export interface ProductImportRow extends KeyedRow {
  name: string;
  listPrice: string | null;
  marginPct: string | null;
}

export interface ActivityImportRow extends KeyedRow {
  externalId: string;
  type: ActivityType;
  at: Date;
  owner: OwnerRef | null;
  deal: string | null;
  note: string | null;
}

export interface ExchangeRateImportRow extends KeyedRow {
  currency: string;
  validFrom: string;
  rate: string;
}

const MAX_TEXT = 200;
const MAX_NOTE = 2000;
const EMAIL = /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:]+$/;
/** Clocks differ: an activity a few minutes "in the future" was logged just now on another machine. */
const FUTURE_SLACK_MS = 5 * 60_000;

/** The trimmed cells of a record by field, or the reason it cannot be read (more fields than the header). */
function cellsOf<K extends OrgKind>(record: CsvRecord, width: number, plan: KindPlan<K>): ((field: ImportKindField<K>) => string) | string {
  const { cells } = record;
  if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
    return `has ${cells.length} fields, the header has ${width} (a delimiter inside an unquoted value?)`;
  }
  return (field) => {
    const at = plan.index[field];
    return at === undefined ? '' : (cells[at] ?? '').trim();
  };
}

function rejectWith(record: CsvRecord) {
  return (reason: string): { rejection: Rejection } => ({ rejection: { line: record.line, reason, cells: record.cells } });
}

function tooLong(field: string, value: string | null, max = MAX_TEXT): string | null {
  return value !== null && value.length > max ? `${field}: longer than ${max} characters` : null;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'active', 'enabled', 'done', 'completed', 'complete', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', 'inactive', 'deactivated', 'disabled', 'notdone', 'notstarted', 'inprogress', 'open', 'scheduled', 'deferred']);

/** "TRUE", "Yes", "Active", "Not done"… as a boolean, or undefined when it is none of them. */
export function parseFlag(text: string): boolean | undefined {
  const key = looseKey(text);
  return TRUE.has(key) ? true : FALSE.has(key) ? false : undefined;
}

export function readRep(record: CsvRecord, width: number, plan: KindPlan<'reps'>): Read<RepImportRow> {
  const reject = rejectWith(record);
  const cell = cellsOf(record, width, plan);
  if (typeof cell === 'string') return reject(cell);
  const emailText = cell('email');
  const email = emailText ? emailText.toLowerCase() : null;
  if (email !== null && !EMAIL.test(email)) return reject(`email: "${emailText}" is not an email address`);
  const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ') || (email ? email.split('@')[0] : '');
  if (!name) return reject('name: is empty');
  const activeText = cell('active');
  const active = activeText ? parseFlag(activeText) : null;
  if (active === undefined) return reject(`active: "${activeText}" is not yes or no`);
  const team = cell('team') || null;
  const territory = cell('territory') || null;
  const long = tooLong('name', name) ?? tooLong('team', team) ?? tooLong('territory', territory) ?? tooLong('email', email, 320);
  if (long) return reject(long);
  return { row: { key: email ?? `name:${nameKey(name)}`, line: record.line, cells: record.cells, name, email, team, territory, active } };
}

export function readAccount(record: CsvRecord, width: number, plan: KindPlan<'accounts'>): Read<AccountImportRow> {
  const reject = rejectWith(record);
  const cell = cellsOf(record, width, plan);
  if (typeof cell === 'string') return reject(cell);
  const name = cell('name');
  if (!name) return reject('name: is empty');
  const territory = cell('territory') || null;
  const long = tooLong('name', name) ?? tooLong('territory', territory);
  if (long) return reject(long);
  return { row: { key: nameKey(name), line: record.line, cells: record.cells, name, territory } };
}

export function readProduct(record: CsvRecord, width: number, plan: KindPlan<'products'>): Read<ProductImportRow> {
  const reject = rejectWith(record);
  const cell = cellsOf(record, width, plan);
  if (typeof cell === 'string') return reject(cell);
  const name = cell('name');
  if (!name) return reject('name: is empty');
  const long = tooLong('name', name);
  if (long) return reject(long);
  let listPrice: string | null = null;
  if (cell('listPrice')) {
    const parsed = parseAmount(cell('listPrice'));
    if (!parsed.ok) return reject(`listPrice: ${parsed.reason}`);
    listPrice = parsed.value;
  }
  let marginPct: string | null = null;
  if (cell('marginPct')) {
    const parsed = parseAmount(cell('marginPct').replace(/%\s*$/, ''));
    if (!parsed.ok || Number(parsed.value) > 100) return reject(`marginPct: "${cell('marginPct')}" is not a percentage between 0 and 100`);
    marginPct = parsed.value;
  } else if (cell('unitCost')) {
    const cost = parseAmount(cell('unitCost'));
    if (!cost.ok) return reject(`unitCost: ${cost.reason}`);
    if (listPrice === null || Number(listPrice) === 0) return reject('unitCost: gives the margin only with a list price above 0');
    // In hundredths of a cent, as integers: the margin is exact to the two decimals stored.
    const price = BigInt(listPrice.replace('.', ''));
    const unit = BigInt(cost.value.replace('.', ''));
    if (unit > price) return reject(`unitCost: ${cost.value} is above the list price ${listPrice}: a negative margin`);
    const bp = ((price - unit) * 20_000n + price) / (2n * price);
    marginPct = `${bp / 100n}.${String(bp % 100n).padStart(2, '0')}`;
  }
  return { row: { key: nameKey(name), line: record.line, cells: record.cells, name, listPrice, marginPct } };
}

export interface ActivityReadOptions {
  width: number;
  plan: KindPlan<'activities'>;
  /** The caller's type mapping, by looseKey of the file's value. */
  types: Map<string, ActivityType>;
  dateFormat: DateFormat;
  days: ZonedDays;
  now: () => number;
}

const TIME = /(?:^|[\sT])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** "2026-03-15 10:32", "3/15/2026 2:05 PM" (local time) or "2026-03-15T03:32:00Z" (an instant). */
function activityAt(text: string, o: ActivityReadOptions): { at: Date } | { reason: string } {
  if (INSTANT.test(text)) {
    // Date.parse rolls 2026-02-30 into March: the day is checked as a date first, the instant after.
    const day = parseDate(text.slice(0, 10), 'iso');
    if (!day.ok) return { reason: day.reason };
    const at = new Date(text);
    return isInstantInRange(at.getTime()) ? { at } : { reason: `"${text}" is outside ${DATE_RANGE.earliest} – ${DATE_RANGE.latest}` };
  }
  const date = parseDate(text, o.dateFormat);
  if (!date.ok) return { reason: date.reason };
  let at = o.days.startOf(date.value).getTime();
  const time = TIME.exec(text.slice(text.search(/[\sT]/) < 0 ? text.length : text.search(/[\sT]/)));
  if (time) {
    let hours = Number(time[1]);
    const pm = time[4]?.toLowerCase() === 'pm';
    if (time[4]) hours = (hours % 12) + (pm ? 12 : 0);
    if (hours > 23 || Number(time[2]) > 59) return { reason: `"${text}" has no valid time of day` };
    // The organisation's zones keep one offset all day (Asia/Jakarta has no DST): midnight plus the time.
    at += ((hours * 60 + Number(time[2])) * 60 + Number(time[3] ?? 0)) * 1000;
  }
  return { at: new Date(at) };
}

export function readActivity(record: CsvRecord, o: ActivityReadOptions): Read<ActivityImportRow> {
  const reject = rejectWith(record);
  const cell = cellsOf(record, o.width, o.plan);
  if (typeof cell === 'string') return reject(cell);

  const doneText = cell('done');
  if (doneText) {
    const done = parseFlag(doneText);
    if (done === false) return reject(`done: "${doneText}": only activities that took place are imported`);
  }
  const typeText = cell('type');
  const subject = cell('subject');
  let type: ActivityType | null;
  if (typeText) type = o.types.get(looseKey(typeText)) ?? guessActivityType(typeText);
  else type = subject ? (o.types.get(looseKey(subject)) ?? guessActivityType(subject, true)) : null;
  if (type === null) {
    if (!typeText && !subject) return reject('type: is empty');
    return reject(`type: "${typeText || subject}" is not a call, email, meeting or demo (add it to mapping.types)`);
  }

  const atText = cell('at');
  if (!atText) return reject('at: is empty');
  const when = activityAt(atText, o);
  if ('reason' in when) return reject(`at: ${when.reason}`);
  if (when.at.getTime() > o.now() + FUTURE_SLACK_MS) return reject(`at: ${atText} is in the future: only activities that took place are imported`);

  const ownerText = cell('owner');
  const deal = cell('deal') || null;
  const note = [subject && typeText ? subject : '', cell('outcome'), cell('note')].filter(Boolean).join(' — ') || null;
  const long = tooLong('owner', ownerText || null) ?? tooLong('deal', deal) ?? tooLong('note', note, MAX_NOTE);
  if (long) return reject(long);
  let externalId = cell('externalId');
  if (externalId.length > MAX_TEXT) return reject(`externalId: longer than ${MAX_TEXT} characters`);
  if (!externalId) {
    // Without an id column the activity is named by what it is, so the same file twice finds it again.
    const identity = [type, nameKey(ownerText), when.at.toISOString(), nameKey(deal ?? ''), note ?? ''].join('\u001f');
    externalId = `row:${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
  }
  return {
    row: {
      key: externalId,
      line: record.line,
      cells: record.cells,
      externalId,
      type,
      at: when.at,
      owner: ownerText ? ownerRef(ownerText) : null,
      deal,
      note,
    },
  };
}

/** A rate as `PUT /api/exchange-rates/:currency/:validFrom` takes it: the code in any case, an ISO day, a positive decimal. */
export function readExchangeRate(record: CsvRecord, width: number, plan: KindPlan<'exchange-rates'>): Read<ExchangeRateImportRow> {
  const reject = rejectWith(record);
  const cell = cellsOf(record, width, plan);
  if (typeof cell === 'string') return reject(cell);
  const currency = currencySchema.safeParse(cell('currency').toUpperCase());
  if (!currency.success) return reject(cell('currency') ? `currency: "${cell('currency')}" is not an ISO 4217 code like USD` : 'currency: is empty');
  const validFrom = parseDate(cell('validFrom'), 'iso');
  if (!cell('validFrom')) return reject('validFrom: is empty');
  if (!validFrom.ok) return reject(`validFrom: ${validFrom.reason}`);
  const rate = rateSchema.safeParse(cell('rate'));
  if (!rate.success) return reject(`rate: ${rate.error.issues[0]?.message ?? 'is not a rate'}`);
  return {
    row: {
      key: `${currency.data}/${validFrom.value}`,
      line: record.line,
      cells: record.cells,
      currency: currency.data,
      validFrom: validFrom.value,
      rate: rate.data,
    },
  };
}
