/**
 * A CSV file as a stream of records with their line numbers. The first bytes are sniffed before
 * parsing starts: a binary file (an Excel workbook, a PDF) is refused, the delimiter is taken
 * from the header line, and a file that is not UTF-8 is read as Latin-1 (older Excel saves).
 */
import { pipeline, Readable } from 'node:stream';
import { type Options, parse } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';
import { HttpException } from '@nestjs/common';
import { badField } from '../../common/errors.js';

export interface CsvRecord {
  /** The line the record starts on, counting from 1 (the header is line 1 in most files). */
  line: number;
  cells: string[];
}

export interface CsvFile {
  headers: string[];
  delimiter: string;
  records: AsyncIterable<CsvRecord>;
}

/** A record the parser could not read (a stray quote): the row is rejected, parsing goes on. */
export type SkipListener = (line: number, reason: string) => void;

const SNIFF_BYTES = 64 * 1024;
/** Beyond this one record is an unclosed quote swallowing the file: stop instead of buffering it. */
const MAX_RECORD_BYTES = 1024 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];

const SKIP_REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opens on this row and never closes: the rest of the file was read as one value',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value goes on after its closing quote',
};
const STRAY_QUOTE = 'a quote opens on this row and is not closed on it: the rows after it were read again on their own';

export async function openCsv(file: Readable, onSkip: SkipListener): Promise<CsvFile> {
  const chunks: AsyncIterator<Buffer> = file[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < SNIFF_BYTES && firstLineEnd(head) < 0) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, next.value]);
  }
  refuseBinary(head);
  const encoding = isUtf8(head) ? 'utf8' : 'latin1';
  const delimiter = sniffDelimiter(head.toString(encoding).replace(/^\uFEFF/, ''));

  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    while (!ended) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  // The parser's typings let on_record return only a row, so each row's start line travels
  // beside it, in order, with its text when it swallowed the rows after it (see swallowsRows).
  // The end line of the last good row tells where a skipped one starts.
  const starts: { line: number; swallowed: string | null }[] = [];
  let lastLine = 0;
  const options: Options = {
    ...recordOptions(delimiter),
    encoding,
    bom: true,
    raw: true,
    max_record_size: MAX_RECORD_BYTES,
    // With `raw`, each record comes as { record, raw }: the row's cells and its text as written.
    on_record: (data, context) => {
      const { record: cells, raw } = data as unknown as { record: string[]; raw: string };
      starts.push(
        swallowsRows(cells, raw, delimiter) ? { line: lastLine + 1, swallowed: raw } : { line: context.lines - lineBreaksIn(cells), swallowed: null },
      );
      lastLine = context.lines;
      return cells;
    },
    on_skip: (error) => {
      const failure = error as (Error & { code?: string }) | undefined;
      // A record this large is a quote that never closes: skipping it would buffer the rest of
      // the file character by character, so it ends the import instead.
      if (failure?.code === 'CSV_MAX_RECORD_SIZE') throw failure;
      onSkip(lastLine + 1, SKIP_REASONS[failure?.code ?? ''] ?? `not readable as CSV: ${failure?.message ?? 'unknown error'}`);
      return undefined;
    },
  };
  const parser = pipeline(Readable.from(bytes(), { objectMode: false }), parse(options), () => undefined);
  const rows = (parser as AsyncIterable<string[]>)[Symbol.asyncIterator]();
  const reread: CsvRecord[] = [];
  const records: AsyncIterator<CsvRecord> = {
    next: async () => {
      if (reread.length) return { value: reread.shift()! };
      const next = await rows.next().catch((error: unknown) => {
        // Named here, for the import and the preview alike: a row past the limit ends either with a 400.
        if ((error as { code?: unknown }).code === 'CSV_MAX_RECORD_SIZE')
          throw badField('file', `line ${lastLine + 1}: a row larger than the limit of ${MAX_RECORD_BYTES / 1024 / 1024} MB (a quote that never closes?)`);
        throw error;
      });
      if (next.done) return next;
      const start = starts.shift() ?? { line: 0, swallowed: null };
      if (start.swallowed === null) return { value: { line: start.line, cells: next.value } };
      reread.push(...rereadAfterStrayQuote(start.swallowed, start.line, delimiter, onSkip));
      return records.next();
    },
    return: async () => (await rows.return?.(), { done: true, value: undefined }),
  };
  const first = await records.next().catch((error: unknown) => {
    if (error instanceof HttpException) throw error;
    throw badField('file', `is not a readable CSV (${error instanceof Error ? error.message : String(error)})`);
  });
  if (first.done) throw badField('file', head.length === 0 ? 'is empty' : 'has no header row');
  const headers = first.value.cells.map((h) => h.trim());
  if (headers.every((h) => h === '')) throw badField('file', 'has an empty header row');

  return {
    headers,
    delimiter,
    records: { [Symbol.asyncIterator]: () => records },
  };
}

/** How every record is read, the file's and a stray quote's rows read again. */
function recordOptions(delimiter: string): Options {
  return {
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Lines of delimiters only (";;;;") are how spreadsheets save blank rows.
    skip_records_with_empty_values: true,
    skip_records_with_error: true,
  };
}

/**
 * A quote that opens a value and is closed only rows later, by some other quote, makes one
 * record of all those rows: relax_quotes then keeps the quotes as text, and a deal's name would
 * swallow the next deals. A value with a line break that a strict reading of the same text
 * refuses is that case; a well-quoted value over several lines reads the same either way.
 */
function swallowsRows(cells: string[], raw: string, delimiter: string): boolean {
  if (!cells.some((cell) => /[\r\n]/.test(cell))) return false;
  try {
    return (parseText(raw.replace(/[\r\n]+$/, ''), { delimiter, relax_column_count: true }) as unknown[]).length !== 1;
  } catch {
    return true;
  }
}

/** The row with the stray quote is rejected; the rows it swallowed are read again on their own. */
function rereadAfterStrayQuote(raw: string, line: number, delimiter: string, onSkip: SkipListener): CsvRecord[] {
  onSkip(line, STRAY_QUOTE);
  const rest = raw.replace(/^[^\r\n]*(\r\n|\r|\n)/, '');
  if (rest === raw) return [];
  const found: CsvRecord[] = [];
  let lastLine = 0;
  const read = parseText(rest, {
    ...recordOptions(delimiter),
    raw: true,
    info: true,
    on_skip: (error) => {
      onSkip(line + lastLine + 1, SKIP_REASONS[(error as { code?: string } | undefined)?.code ?? ''] ?? 'not readable as CSV');
      return undefined;
    },
  }) as unknown as { record: string[]; raw: string; info: { lines: number } }[];
  for (const { record, raw: text, info } of read) {
    if (swallowsRows(record, text, delimiter)) found.push(...rereadAfterStrayQuote(text, line + lastLine + 1, delimiter, onSkip));
    else found.push({ line: line + info.lines - lineBreaksIn(record), cells: record });
    lastLine = info.lines;
  }
  return found;
}

/** Where the first line ends (outside quotes), or -1 when the bytes hold no complete line yet. */
function firstLineEnd(bytes: Buffer): number {
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) return i;
  }
  return -1;
}

/** The delimiter is the candidate seen most often outside quotes on the header line. */
function sniffDelimiter(text: string): string {
  const counts = DELIMITERS.map(() => 0);
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted) {
      const at = DELIMITERS.indexOf(c);
      if (at >= 0) counts[at]++;
    }
  }
  const best = counts.indexOf(Math.max(...counts));
  return counts[best] > 0 ? DELIMITERS[best] : ',';
}

function refuseBinary(head: Buffer): void {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw badField('file', 'is an Excel workbook or another zip file, not a CSV: save it as CSV first');
  }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') throw badField('file', 'is a PDF, not a CSV');
  if (head.subarray(0, 8192).includes(0)) throw badField('file', 'is not a CSV (it holds binary data)');
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // `stream: true` forgives a character cut in half at the end of the sniffed bytes.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Line breaks inside quoted cells: the record started that many lines before it ended. */
function lineBreaksIn(record: string[]): number {
  let n = 0;
  for (const cell of record) {
    if (cell.length < 2) continue;
    const matches = cell.match(/\r\n|\n|\r/g);
    if (matches) n += matches.length;
  }
  return n;
}
