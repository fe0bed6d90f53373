/**
 * Import jobs as rows in PostgreSQL, so progress, cancelling and the rejected rows work from
 * any node, whichever node runs the import.
 */
import { ConflictException, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import type { DateFormat, ImportColumns, ImportJob, ImportJobStatus, ImportKind } from '@salesboard/shared';
import { conflict, notFound } from '../../common/errors.js';
import { EventWriter } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { csvLine } from '../csv-write.js';
import { emitDealsImported } from '../ingest-events.js';

interface JobRow {
  id: string;
  kind: ImportKind;
  status: ImportJobStatus;
  file_name: string | null;
  delimiter: string;
  date_format: DateFormat;
  headers: string[];
  columns: ImportColumns;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  reps_created: number;
  accounts_created: number;
  products_created: number;
  warnings: string[];
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface NewJob {
  id: string | null;
  kind: ImportKind;
  fileName: string | null;
  delimiter: string;
  dateFormat: DateFormat;
  headers: string[];
  columns: ImportColumns;
  warnings: string[];
}

const REJECTIONS_PAGE = 1000;

@Injectable()
export class ImportJobsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
  ) {}

  async create(job: NewJob): Promise<ImportJob> {
    const rows: JobRow[] = await this.dataSource
      .query(
        `INSERT INTO import_jobs (id, kind, file_name, delimiter, date_format, headers, columns, warnings)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [job.id, job.kind, job.fileName, job.delimiter, job.dateFormat, JSON.stringify(job.headers), JSON.stringify(job.columns), JSON.stringify(job.warnings)],
      )
      .catch((error: { code?: string }) => {
        if (error.code === '23505') throw conflict(`jobId: an import with id ${job.id} exists already`);
        throw error;
      });
    return mapJob(rows[0]);
  }

  async get(id: string): Promise<ImportJob> {
    return mapJob(await this.row(this.dataSource.manager, id));
  }

  /** The newest imports first: how the admin UI finds the one running now. */
  async list(): Promise<ImportJob[]> {
    const rows: JobRow[] = await this.dataSource.query('SELECT * FROM import_jobs ORDER BY started_at DESC LIMIT 50');
    return rows.map(mapJob);
  }

  /** Asks a running import to stop after the batch it is writing; what is written stays. */
  async cancel(id: string): Promise<ImportJob> {
    const rows: JobRow[] = await this.dataSource.query(
      `WITH asked AS (UPDATE import_jobs SET cancel_requested = true WHERE id = $1 AND status = 'running' RETURNING *) SELECT * FROM asked`,
      [id],
    );
    if (rows.length) return mapJob(rows[0]);
    const job = await this.get(id);
    throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `import ${id} is ${job.status}: only a running import can be cancelled` });
  }

  async heartbeat(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE import_jobs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`, [id]);
  }

  /**
   * Ends a job and, when it changed anything, appends the one summary event live views refetch on
   * (and the KPI store rebuilds on: imported activities count in the activity KPIs).
   * A job that already ended (the housekeeping gave it up) is left as it is.
   */
  finish(id: string, status: Exclude<ImportJobStatus, 'running'>, error: string | null, context: ChangeContext): Promise<ImportJob> {
    return this.writer.transaction(context, async (tx) => {
      const ended: JobRow[] = await tx.manager.query(
        `WITH ended AS (
           UPDATE import_jobs SET status = $2, error = $3, finished_at = now() WHERE id = $1 AND status = 'running' RETURNING *)
         SELECT * FROM ended`,
        [id, status, error],
      );
      if (ended.length === 0) return mapJob(await this.row(tx.manager, id));
      await tx.manager.query('DELETE FROM import_seen WHERE job_id = $1', [id]);
      const job = mapJob(ended[0]);
      if (job.created + job.updated > 0)
        emitDealsImported(tx, { jobId: id, kind: job.kind, created: job.created, updated: job.updated, rejected: job.rejected });
      return job;
    });
  }

  /** Running jobs whose node stopped touching them: the node died mid-import. */
  async staleJobIds(olderThanMs: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM import_jobs WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [olderThanMs / 1000],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The rejected rows as CSV: line, reason, then the row's own cells under the file's headers,
   * so the rows can be fixed and imported again. Streamed page by page.
   */
  async rejectedCsv(id: string): Promise<Readable> {
    const job = await this.row(this.dataSource.manager, id);
    const dataSource = this.dataSource;
    async function* lines(): AsyncGenerator<string> {
      yield csvLine(['line', 'reason', ...job.headers]);
      let after = 0;
      for (;;) {
        const page: { line: number; reason: string; cells: string[] }[] = await dataSource.query(
          'SELECT line, reason, cells FROM import_rejections WHERE job_id = $1 AND line > $2 ORDER BY line LIMIT $3',
          [id, after, REJECTIONS_PAGE],
        );
        if (page.length === 0) return;
        yield page.map((r) => csvLine([r.line, r.reason, ...r.cells])).join('');
        after = page[page.length - 1].line;
      }
    }
    return Readable.from(lines());
  }

  private async row(manager: EntityManager, id: string): Promise<JobRow> {
    const rows: JobRow[] = await manager.query('SELECT * FROM import_jobs WHERE id = $1', [id]);
    if (!rows.length) throw notFound('import', id);
    return rows[0];
  }
}

function mapJob(row: JobRow): ImportJob {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    fileName: row.file_name,
    delimiter: row.delimiter,
    dateFormat: row.date_format,
    columns: row.columns,
    rowsRead: row.rows_read,
    written: row.created + row.updated,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    rejected: row.rejected,
    repsCreated: row.reps_created,
    accountsCreated: row.accounts_created,
    productsCreated: row.products_created,
    warnings: row.warnings,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    rejectedCsvUrl: `/api/import/jobs/${row.id}/rejected.csv`,
  };
}
