/**
 * Deals as CSV, streamed: a cursor in one REPEATABLE READ transaction feeds the response a page
 * at a time, so the export is one consistent moment and memory stays flat however many deals
 * there are. The filters are those of GET /api/deals.
 */
import { DEAL_TEAM_SQL, DEAL_TERRITORY_SQL, dealFilters, type Visibility } from '../../deals/deal.query.js';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { ExportDealsQuery } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';
import { type CsvCell, csvLine, UTF8_BOM } from '../csv-write.js';

const PAGE = 1000;

export const DEAL_EXPORT_HEADERS = [
  'Deal ID',
  'Source',
  'External ID',
  'Deal Name',
  'Account',
  'Product',
  'Owner',
  'Owner Email',
  'Team',
  'Territory',
  'Amount',
  'Currency',
  'Stage',
  'Forecast Category',
  'Created At',
  'Expected Close Date',
  'Closed At',
  'Stage Entered At',
  'Updated At',
];

interface ExportRow {
  id: string;
  source: string;
  external_id: string | null;
  name: string;
  account_name: string | null;
  product_name: string | null;
  owner_name: string;
  owner_email: string;
  team_name: string | null;
  territory_name: string | null;
  amount: string;
  currency: string;
  stage: string;
  forecast_category: string;
  created_at: Date;
  expected_close_date: string | null;
  closed_at: Date | null;
  stage_entered_at: Date;
  updated_at: Date;
}

@Injectable()
export class DealsExportService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Opens the cursor and reads the first page before answering, so a database that is down is
   * a 503 rather than a response cut short; the rest streams as the client reads.
   */
  /** The deals the caller may see (a rep: their own; a manager: their teams'), with the screen's filters. */
  async dealsCsv(query: ExportDealsQuery, visibility: Visibility = { kind: 'all' }): Promise<Readable> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const { sql, params } = selectDeals(query, visibility);
      await runner.query(`DECLARE deals_export NO SCROLL CURSOR FOR ${sql}`, params);
      const first: ExportRow[] = await runner.query(`FETCH ${PAGE} FROM deals_export`);
      return Readable.from(pages(runner, first));
    } catch (error) {
      await close(runner);
      throw error;
    }
  }
}

async function* pages(runner: QueryRunner, first: ExportRow[]): AsyncGenerator<string> {
  try {
    yield UTF8_BOM + csvLine(DEAL_EXPORT_HEADERS);
    let page = first;
    while (page.length > 0) {
      yield page.map(toLine).join('');
      if (page.length < PAGE) break;
      page = await runner.query(`FETCH ${PAGE} FROM deals_export`);
    }
  } finally {
    // Also when the client goes away mid-download: the stream is destroyed and this runs.
    await close(runner);
  }
}

async function close(runner: QueryRunner): Promise<void> {
  if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
  await runner.release();
}

function toLine(row: ExportRow): string {
  const cells: CsvCell[] = [
    row.id,
    row.source,
    row.external_id,
    row.name,
    row.account_name,
    row.product_name,
    row.owner_name,
    row.owner_email,
    row.team_name,
    row.territory_name,
    normalizeMoney(row.amount),
    row.currency.trim(),
    row.stage,
    row.forecast_category,
    row.created_at.toISOString(),
    row.expected_close_date,
    row.closed_at?.toISOString(),
    row.stage_entered_at.toISOString(),
    row.updated_at.toISOString(),
  ];
  return csvLine(cells);
}

function selectDeals(query: ExportDealsQuery, visibility: Visibility): { sql: string; params: unknown[] } {
  const { where, params } = dealFilters(query, visibility);
  const sql = `
    SELECT d.id, d.source, d.external_id, d.name, a.name AS account_name, p.name AS product_name,
           r.name AS owner_name, r.email AS owner_email, t.name AS team_name, tr.name AS territory_name,
           d.amount::text AS amount, d.currency, d.stage, COALESCE(d.forecast_override, s.forecast_category) AS forecast_category,
           d.created_at, to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date, d.closed_at,
           d.stage_entered_at, d.updated_at
      FROM deals d
      JOIN reps r ON r.id = d.owner_id
      JOIN stages s ON s.key = d.stage
      LEFT JOIN accounts a ON a.id = d.account_id
      LEFT JOIN products p ON p.id = d.product_id
      LEFT JOIN teams t ON t.id = ${DEAL_TEAM_SQL}
      LEFT JOIN territories tr ON tr.id = ${DEAL_TERRITORY_SQL}
     ${where}
     ORDER BY d.updated_at DESC, d.id`;
  return { sql, params };
}
