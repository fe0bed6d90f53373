/** Writing CSV as RFC 4180 says: CRLF line ends, fields quoted when they must be, quotes doubled. */
import type { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';

const NEEDS_QUOTES = /[",\r\n]/;
/** A spreadsheet runs a cell starting with these as a formula: text from CRMs must not become one. */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | null | undefined;

/**
 * One record with its line end. `text` cells that look like a formula get a leading apostrophe
 * (OWASP's advice against CSV injection); numbers and dates are never touched.
 */
export function csvLine(cells: readonly CsvCell[], textColumns?: ReadonlySet<number>): string {
  return (
    cells
      .map((cell, i) => {
        if (cell === null || cell === undefined) return '';
        let text = String(cell);
        if (textColumns?.has(i) && FORMULA_START.test(text)) text = `'${text}`;
        return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}

/** A byte-order mark first, so Excel reads the UTF-8 names right instead of as Latin-1. */
export const UTF8_BOM = '\uFEFF';

/** A CSV stream as a download. Nest destroys the stream when the client leaves, which releases an export's cursor. */
export function csvDownload(stream: Readable, filename: string): StreamableFile {
  return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
}
