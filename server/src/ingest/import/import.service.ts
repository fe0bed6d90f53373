/**
 * CSV import of deals. The upload is parsed while it arrives and written 500 rows per
 * transaction, so a file of any size imports in flat memory. Everything that can make the whole
 * file unusable (not multipart, not CSV, no name column, a bad mapping) is checked on the header
 * and the first rows, before the job exists: such a request is a 400 that wrote nothing. After
 * that a bad row is rejected with its line and reason and the good ones go on.
 *
 * The request is answered when the import ends, with the job's summary: the file is consumed as
 * it streams in, so the request lives as long as the import whatever it answers; progress and
 * cancelling meanwhile go through /api/import/jobs/:id (the client may choose the job's id).
 */
import { HttpException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { type DateFormat, type ImportJob, type ImportMapping, importMappingSchema, type ImportPreview, type Stage } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { isDatabaseUnavailable } from '../../common/http-exception.filter.js';
import { idempotencyContext } from '../../common/idempotency/idempotency.context.js';
import { describeIssues } from '../../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { type ChangeContext, EventWriter } from '../../events/event-writer.service.js';
import { StagesService } from '../../stages/stages.service.js';
import { type CsvRecord, openCsv } from './csv-source.js';
import { guessStage } from './guess.js';
import { ImportBatchWriter } from './import-batch.writer.js';
import { ImportJobsService } from './import-jobs.service.js';
import { type CsvUpload, receiveCsv } from './multipart.js';
import { type ColumnPlan, planColumns, type Rejection, RowReader } from './row-reader.js';
import { DateFormatEvidence, looseKey, dateIn, ZonedDays } from './values.js';

/** Rows per transaction: large enough that per-statement costs vanish, small enough to hold locks briefly. */
export const IMPORT_BATCH_ROWS = 500;
const HEARTBEAT_MS = 30_000;
const PREVIEW_ROWS = 10;
const PREVIEW_STAGE_VALUES = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
    private readonly stages: StagesService,
    private readonly jobs: ImportJobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async importDeals(request: Request, context: ChangeContext): Promise<ImportJob> {
    const upload = await receiveCsv(request, ['mapping', 'jobId']);
    try {
      return await this.run(upload, context);
    } finally {
      upload.abandon();
    }
  }

  async preview(request: Request): Promise<ImportPreview> {
    const upload = await receiveCsv(request, ['mapping']);
    try {
      const mapping = this.mapping(upload.fields.get('mapping'));
      const stageMap = this.stageMap(mapping);
      let skipped = 0;
      const csv = await openCsv(upload.file, () => skipped++);
      const plan = planColumns(csv.headers, mapping.columns, false);
      const rows: string[][] = [];
      const stageCounts = new Map<string, number>();
      const evidence = new DateFormatEvidence();
      let rowCount = 0;
      for await (const record of csv.records) {
        rowCount++;
        if (rows.length < PREVIEW_ROWS) rows.push(record.cells);
        this.collectDates(evidence, plan, record);
        const stage = plan.index.stage === undefined ? '' : (record.cells[plan.index.stage] ?? '').trim();
        if (stage && (stageCounts.has(stage) || stageCounts.size < PREVIEW_STAGE_VALUES)) stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + 1);
      }
      const all = this.stages.list();
      return {
        fileName: upload.fileName,
        delimiter: csv.delimiter,
        headers: csv.headers,
        rows,
        rowCount: rowCount + skipped,
        columns: plan.columns,
        unmappedHeaders: plan.unmappedHeaders,
        dateFormat: mapping.dateFormat && mapping.dateFormat !== 'auto' ? mapping.dateFormat : evidence.decide(csv.delimiter),
        stages: [...stageCounts.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([value, count]) => ({ value, count, stage: (stageMap.get(looseKey(value)) ?? guessStage(value, all))?.key ?? null })),
      };
    } finally {
      upload.abandon();
    }
  }

  private async run(upload: CsvUpload, context: ChangeContext): Promise<ImportJob> {
    const mapping = this.mapping(upload.fields.get('mapping'));
    const jobId = upload.fields.get('jobId') ?? null;
    if (jobId !== null && !UUID.test(jobId)) throw badField('jobId', 'must be a UUID');
    const stageMap = this.stageMap(mapping);
    await this.requireRep(mapping.defaultOwnerId);

    const skipped: Rejection[] = [];
    const csv = await openCsv(upload.file, (line, reason) => skipped.push({ line, reason, cells: [] }));
    const plan = planColumns(csv.headers, mapping.columns);
    if (plan.index.owner === undefined && !mapping.defaultOwnerId) {
      throw badField('mapping.defaultOwnerId', `is required when no column holds the owner (the file's columns: ${csv.headers.join(', ')})`);
    }
    // The first batch is read before the job exists: the date format is decided from it.
    const records = csv.records[Symbol.asyncIterator]();
    const first = await readBatch(records).catch((error: unknown) => {
      if (error instanceof HttpException) throw error;
      throw badField('file', `is not a readable CSV (${error instanceof Error ? error.message : String(error)})`);
    });
    const dateFormat = this.dateFormat(mapping, plan, first, csv.delimiter);

    const job = await this.jobs.create({
      id: jobId,
      fileName: upload.fileName,
      delimiter: csv.delimiter,
      dateFormat,
      headers: csv.headers,
      columns: plan.columns,
      warnings: [],
    });
    const reader = new RowReader({
      headers: csv.headers,
      plan,
      stages: this.stages.list(),
      stageMap,
      dateFormat,
      currency: mapping.currency ?? this.config.currency,
      today: dateIn(this.config.timeZone),
    });
    const batches = new ImportBatchWriter(
      this.writer,
      {
        jobId: job.id,
        createReps: mapping.createReps ?? false,
        createAccounts: mapping.createAccounts ?? true,
        createProducts: mapping.createProducts ?? false,
        defaultOwnerId: mapping.defaultOwnerId ?? null,
        idHeader: plan.columns.externalId ?? null,
        hasCreatedColumn: plan.index.createdAt !== undefined,
      },
      new ZonedDays(this.config.timeZone),
      context,
    );
    const heartbeat = setInterval(() => void this.jobs.heartbeat(job.id).catch(() => undefined), HEARTBEAT_MS);
    heartbeat.unref();
    let rowsRead = 0;
    const write = async (batch: CsvRecord[]): Promise<boolean> => {
      const rows = [];
      const rejections = skipped.splice(0);
      rowsRead += batch.length + rejections.length;
      for (const record of batch) {
        const read = reader.read(record);
        if ('row' in read) rows.push(read.row);
        else rejections.push(read.rejection);
      }
      return (await batches.write(rows, rejections, rowsRead)) !== 'stopped';
    };
    try {
      let going = true;
      let batch = first;
      while (going && (batch.length > 0 || skipped.length > 0)) {
        // The next batch is parsed while this one is written: the CPU parses while PostgreSQL works.
        const next = batch.length < IMPORT_BATCH_ROWS ? null : readBatch(records);
        try {
          going = await write(batch);
        } catch (error) {
          // The failed write decides the answer: the next batch's parse is no longer awaited.
          next?.catch(() => undefined);
          throw error;
        }
        batch = next ? await next : [];
      }
      if (upload.lateFields.length) await this.warn(job.id, upload.lateFields);
      return await this.jobs.finish(job.id, going ? 'completed' : 'cancelled', null, context);
    } catch (error) {
      const reason =
        error instanceof HttpException
          ? String((error.getResponse() as { message?: unknown }).message ?? error.message)
          : error instanceof Error
            ? error.message
            : String(error);
      // Outside the Idempotency-Key: a failed import must not become the key's stored answer.
      await idempotencyContext.exit(() => this.jobs.finish(job.id, 'failed', reason, context)).catch(() => undefined);
      if (error instanceof HttpException || isDatabaseUnavailable(error)) throw error;
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `file: ${reason}; the rows before it were imported (see /api/import/jobs/${job.id})`,
      });
    } finally {
      clearInterval(heartbeat);
      await records.return?.();
    }
  }

  private mapping(text: string | undefined): ImportMapping {
    if (text === undefined || text.trim() === '') return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badField('mapping', 'is not valid JSON');
    }
    const parsed = importMappingSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    const [issue] = describeIssues(parsed.error.issues);
    throw badField(`mapping.${issue.path}`.replace(/\.body$/, ''), issue.message);
  }

  /** The caller's stage mapping by looseKey of the file's value; a target that is not a stage is a 400. */
  private stageMap(mapping: ImportMapping): Map<string, Stage> {
    const map = new Map<string, Stage>();
    for (const [value, key] of Object.entries(mapping.stages ?? {})) {
      const stage = this.stages.find(key);
      if (!stage)
        throw badField(
          `mapping.stages.${value}`,
          `"${key}" is not a stage of the pipeline (${this.stages
            .list()
            .map((s) => s.key)
            .join(', ')})`,
        );
      map.set(looseKey(value), stage);
    }
    return map;
  }

  private async requireRep(id: string | undefined): Promise<void> {
    if (!id) return;
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM reps WHERE id = $1', [id]);
    if (rows.length === 0) throw badField('mapping.defaultOwnerId', `no rep with id ${id}`);
  }

  private dateFormat(mapping: ImportMapping, plan: ColumnPlan, sample: CsvRecord[], delimiter: string): DateFormat {
    if (mapping.dateFormat && mapping.dateFormat !== 'auto') return mapping.dateFormat;
    const evidence = new DateFormatEvidence();
    for (const record of sample) this.collectDates(evidence, plan, record);
    return evidence.decide(delimiter);
  }

  private collectDates(evidence: DateFormatEvidence, plan: ColumnPlan, record: CsvRecord): void {
    for (const at of [plan.index.closeDate, plan.index.createdAt]) if (at !== undefined && record.cells[at]) evidence.add(record.cells[at]);
  }

  private async warn(jobId: string, lateFields: string[]): Promise<void> {
    const warnings = lateFields.map((name) => `${name}: came after the file and was not applied; send it before the file`);
    await this.dataSource.query('UPDATE import_jobs SET warnings = warnings || $2::jsonb WHERE id = $1', [jobId, JSON.stringify(warnings)]);
  }
}

async function readBatch(records: AsyncIterator<CsvRecord>): Promise<CsvRecord[]> {
  const batch: CsvRecord[] = [];
  while (batch.length < IMPORT_BATCH_ROWS) {
    const next = await records.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}
