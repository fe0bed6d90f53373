/**
 * From a CSV record to the deal it describes, or to the reason it is rejected. Everything here
 * is decided from the row alone (and the pipeline's stages); names of reps, accounts and
 * products are resolved against the database by the batch writer.
 */
import { createHash } from 'node:crypto';
import type { DateFormat, ImportColumns, ImportField, ImportMapping, ImportNameColumn, Stage } from '@salesboard/shared';
import { dealNameOf, IMPORT_FIELDS } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { nameKey } from '../../org/org.entities.js';
import type { CsvRecord } from './csv-source.js';
import { guessColumns, guessStage, stageMatcher } from './guess.js';
import { didYouMean, type NameMatcher } from './name-matcher.js';
import { looseKey, parseAmount, parseDate } from './values.js';

export interface OwnerRef {
  email: string | null;
  name: string | null;
  /** The cell as written, for messages. */
  text: string;
}

export interface ImportRow {
  line: number;
  cells: string[];
  externalId: string;
  name: string;
  /** The file has no name column: the name is made from the account and product, spelt as the records are once found. */
  nameFromReferences: boolean;
  amount: string;
  currency: string;
  stage: Stage;
  closeDate: string | null;
  createdDate: string | null;
  owner: OwnerRef | null;
  account: string | null;
  product: string | null;
}

export interface Rejection {
  line: number;
  reason: string;
  cells: string[];
}

export interface ColumnPlan {
  columns: ImportColumns;
  index: Partial<Record<ImportField, number>>;
  unmappedHeaders: string[];
}

const MAX_TEXT = 200;

/**
 * The columns to read: the caller's mapping where given (a header the file does not have is a
 * 400 naming it), guesses for the rest. Without a name column, deals are named from their
 * account and product as the demo names them; without those either there is nothing to name
 * a deal by (a preview still shows the file, to let the user pick a column).
 */
export function planColumns(headers: string[], requested: ImportMapping['columns'] = {}, requireName = true): ColumnPlan {
  const guessed = guessColumns(headers);
  const columns: ImportColumns = {};
  const index: ColumnPlan['index'] = {};
  const claimed = new Set(Object.values(requested).filter((h): h is string => typeof h === 'string'));
  for (const field of IMPORT_FIELDS) {
    const wanted = requested[field];
    if (wanted === null) continue;
    let header: string | undefined;
    if (wanted !== undefined) {
      header = headers.find((h) => h === wanted) ?? headers.find((h) => nameKey(h) === nameKey(wanted));
      if (header === undefined) throw badField(`mapping.columns.${field}`, `"${wanted}" is not a column of the file (its columns: ${headers.join(', ')})`);
    } else if (guessed[field] !== undefined && !claimed.has(guessed[field])) {
      header = guessed[field];
    }
    if (header === undefined) continue;
    columns[field] = header;
    index[field] = headers.indexOf(header);
  }
  if (index.name === undefined && index.account === undefined && index.product === undefined && requireName) {
    throw badField(
      Object.keys(columns).length ? 'mapping.columns.name' : 'file',
      Object.keys(columns).length
        ? `no column holds the deal name, nor an account or product to name deals by; map one of: ${headers.join(', ')}`
        : `no column could be mapped to a deal field (its columns: ${headers.join(', ')}); send a mapping`,
    );
  }
  const used = new Set(Object.values(columns));
  return { columns, index, unmappedHeaders: headers.filter((h) => h !== '' && !used.has(h)) };
}

/** The value mappings of the owner, account and product columns, by looseKey of the file's value. */
export type NameMaps = Record<ImportNameColumn, Map<string, string>>;

/** A cell of a name column as the import reads it: the name the mapping gives it, else as written. */
export function mappedName(maps: NameMaps, column: ImportNameColumn, text: string): string {
  return maps[column].get(looseKey(text)) ?? text;
}

export interface RowReaderOptions {
  headers: string[];
  plan: ColumnPlan;
  stages: readonly Stage[];
  /** The caller's stage mapping, keyed by looseKey of the file's value. */
  stageMap: Map<string, Stage>;
  /** The caller's owner, account and product mappings: looseKey of the file's value → the name it means. */
  nameMaps: NameMaps;
  dateFormat: DateFormat;
  currency: string;
  /** Today in the organisation's time zone: nothing can have closed after it. */
  today: string;
}

type Read = { row: ImportRow } | { rejection: Rejection };

export class RowReader {
  private readonly stageByValue = new Map<string, Stage | null>();
  private readonly firstOpen: Stage;
  private stageSuggestions: NameMatcher<string> | null = null;

  constructor(private readonly o: RowReaderOptions) {
    const first = o.stages.find((s) => s.kind === 'open');
    if (!first) throw new Error('the pipeline has no open stage');
    this.firstOpen = first;
  }

  read(record: CsvRecord): Read {
    const { cells, line } = record;
    const reject = (reason: string): Read => ({ rejection: { line, reason, cells } });
    const width = this.o.headers.length;
    if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
      return reject(`has ${cells.length} fields, the header has ${width} (a delimiter inside an unquoted value?)`);
    }
    const cell = (field: ImportField) => {
      const at = this.o.plan.index[field];
      return at === undefined ? '' : (cells[at] ?? '').trim();
    };

    const accountText = cell('account');
    const productText = cell('product');
    const account = accountText ? mappedName(this.o.nameMaps, 'accounts', accountText) : null;
    const product = productText ? mappedName(this.o.nameMaps, 'products', productText) : null;
    if (account && account.length > MAX_TEXT) return reject(`account: longer than ${MAX_TEXT} characters`);
    if (product && product.length > MAX_TEXT) return reject(`product: longer than ${MAX_TEXT} characters`);
    const named = this.o.plan.index.name !== undefined;
    const name = named ? cell('name') : (dealNameOf(account, product) ?? '');
    if (!name) return reject(named ? 'name: is empty' : 'name: the file has no name column, and the row has no account or product to name the deal by');
    if (name.length > MAX_TEXT)
      return reject(named ? `name: longer than ${MAX_TEXT} characters` : `name: "${name}" is longer than ${MAX_TEXT} characters; map a name column`);

    const stage = this.stageOf(cell('stage'), cell('status'));
    if (typeof stage === 'string') return reject(stage);

    const closeDate = this.dateOf(cell('closeDate'));
    if (closeDate !== null && !closeDate.ok) return reject(`closeDate: ${closeDate.reason}`);
    const createdDate = this.dateOf(cell('createdAt'));
    if (createdDate !== null && !createdDate.ok) return reject(`createdAt: ${createdDate.reason}`);
    if (stage.kind !== 'open') {
      // When it closed decides the period its revenue or loss counts in: never guessed.
      if (closeDate === null) return reject(`closeDate: a ${stage.kind} deal needs the date it closed`);
      if (closeDate.value > this.o.today) return reject(`closeDate: ${closeDate.value} is in the future, but the deal is ${stage.kind}`);
    }

    const amountText = cell('amount');
    let amount = '0.00';
    if (amountText) {
      const parsed = parseAmount(amountText);
      if (!parsed.ok) return reject(`amount: ${parsed.reason}`);
      amount = parsed.value;
    } else if (stage.kind === 'won') {
      return reject('amount: a won deal needs an amount');
    }

    const currencyText = cell('currency').toUpperCase();
    if (currencyText && !/^[A-Z]{3}$/.test(currencyText)) return reject(`currency: "${cell('currency')}" is not an ISO 4217 code like IDR`);

    const ownerText = cell('owner');

    let externalId = cell('externalId');
    if (externalId.length > MAX_TEXT) return reject(`externalId: longer than ${MAX_TEXT} characters`);
    if (!externalId) externalId = derivedId(name, account, createdDate?.ok ? createdDate.value : null);

    return {
      row: {
        line,
        cells,
        externalId,
        name,
        nameFromReferences: !named,
        amount,
        currency: currencyText || this.o.currency,
        stage,
        closeDate: closeDate?.ok ? closeDate.value : null,
        createdDate: createdDate?.ok ? createdDate.value : null,
        owner: ownerText ? ownerRef(mappedName(this.o.nameMaps, 'owners', ownerText)) : null,
        account,
        product,
      },
    };
  }

  /** The stage of a row, or the reason it has none. A CRM's won/lost status overrides its stage. */
  private stageOf(value: string, status: string): Stage | string {
    if (status) {
      const key = looseKey(status);
      if (key === 'won' || key === 'closedwon' || key === 'lost' || key === 'closedlost') {
        const kind = key.endsWith('won') ? 'won' : 'lost';
        const stage = this.o.stages.find((s) => s.kind === kind);
        return stage ?? `status: the pipeline has no ${kind} stage`;
      }
      if (key === 'deleted') return 'status: a deleted deal is not imported';
      if (key !== 'open') return `status: "${status}" is not open, won or lost`;
    }
    if (!value) return this.firstOpen;
    const key = looseKey(value);
    let stage = this.stageByValue.get(key);
    if (stage === undefined) {
      stage = this.o.stageMap.get(key) ?? guessStage(value, this.o.stages);
      this.stageByValue.set(key, stage);
    }
    if (stage) return stage;
    this.stageSuggestions ??= stageMatcher(this.o.stages);
    return `stage: "${value}" is not mapped to a stage of the pipeline${didYouMean(this.stageSuggestions.nearest(value)?.target)} (add it to mapping.stages)`;
  }

  private dateOf(text: string) {
    return text ? parseDate(text, this.o.dateFormat) : null;
  }
}

/**
 * A file without an id column still imports idempotently: the id is derived from what names the
 * deal (name, account, created date), so importing an updated export updates those deals.
 * Two deals with the same three in one file are reported as duplicates.
 */
export function derivedId(name: string, account: string | null, createdDate: string | null): string {
  const identity = [nameKey(name), nameKey(account ?? ''), createdDate ?? ''].join('\u001f');
  return `row:${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

const EMAIL = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[^\s<>()[\]"',;:]+/;

/** "Rina Wijaya", "rina@example.co.id" or "Rina Wijaya <rina@example.co.id>". */
export function ownerRef(text: string): OwnerRef {
  const email = EMAIL.exec(text)?.[0].toLowerCase() ?? null;
  const name = (email ? text.replace(EMAIL, '').replace(/[<>()[\]"]/g, '') : text).trim() || null;
  return { email, name, text };
}
