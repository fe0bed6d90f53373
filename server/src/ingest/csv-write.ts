/** Writing CSV as RFC 4180 says: CRLF line ends, fields quoted when they must be, quotes doubled. */
import type { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';

/**
 * Quotes, line breaks and every list separator a spreadsheet may split on: a comma, and the
 * semicolon or tab that Excel uses under regional settings with a decimal comma (Indonesian among
 * them).
 */
const NEEDS_QUOTES = /[",;\t\r\n]/;
/** A spreadsheet runs a cell starting with these as a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A cell that is an amount as our exports write it ("-1500.00"), or a bare sign: never a formula. */
const NOT_A_FORMULA = /^[-+]?(\d+(\.\d+)?(e[-+]?\d+)?)?$/i;
/** Each field after a separator, as a spreadsheet splitting on that one reads it, and each line after a break. */
const FIELDS_AFTER = [/(,)([^,\r\n]*)/g, /(;)([^;\r\n]*)/g, /(\t)([^\t\r\n]*)/g, /([\r\n])([^\r\n]*)/g];

export type CsvCell = string | number | null | undefined;

function isFormula(text: string): boolean {
  return FORMULA_START.test(text) && !NOT_A_FORMULA.test(text);
}

/**
 * Text as a spreadsheet can open it safely, whatever its list separator. A formula at the start
 * gets OWASP's leading apostrophe (Excel shows the text and keeps it as text). Quoting alone does
 * not protect `x;=1+1`: where `;` separates, the quote is not at the start of that field, so
 * `=1+1"` would be a field of its own; hence every field after a separator or line break that
 * would start a formula gets the apostrophe too.
 */
function neutralised(text: string): string {
  let safe = isFormula(text) ? `'${text}` : text;
  // Inside a cell even "-5" is neutralised: split there, it runs on into the next cells ("-5",x...).
  for (const fields of FIELDS_AFTER)
    safe = safe.replace(fields, (field, separator: string, rest: string) => (FORMULA_START.test(rest) ? `${separator}'${rest}` : field));
  return safe;
}

/** One cell: numbers as they are, text neutralised, and quoted when it holds a separator or was changed. */
function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const original = String(cell);
  const text = typeof cell === 'number' ? original : neutralised(original);
  return text !== original || NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its line end; every export writes its cells through csvCell. */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** A byte-order mark first, so Excel reads the UTF-8 names right instead of as Latin-1. */
export const UTF8_BOM = '\uFEFF';

/** A CSV stream as a download. Nest destroys the stream when the client leaves, which releases an export's cursor. */
export function csvDownload(stream: Readable, filename: string): StreamableFile {
  return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
}
