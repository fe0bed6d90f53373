/**
 * CSV import of deals, reps, accounts, products and activities. The upload is parsed while it
 * arrives and written 500 rows per transaction, so a file of any size imports in flat memory.
 * Everything that can make the whole file unusable (not multipart, not CSV, no mappable column,
 * a bad mapping) is checked on the header and the first rows, before the job exists: such a
 * request is a 400 that wrote nothing. After that a bad row is rejected with its line and reason
 * and the good ones go on.
 *
 * The request is answered when the import ends, with the job's summary: the file is consumed as
 * it streams in, so the request lives as long as the import whatever it answers; meanwhile admins'
 * sockets get `import.progress`, and progress and cancelling go through /api/import/jobs/:id (the
 * client may choose the job's id).
 */
import { HttpException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import {
  type ActivityType,
  type DateFormat,
  IMPORT_KINDS,
  IMPORT_MAPPING_SCHEMAS,
  IMPORT_NAME_COLUMNS,
  type ImportColumns,
  type ImportField,
  type ImportJob,
  type ImportKind,
  type ImportMappingOf,
  type ImportNameColumn,
  type ImportNameValue,
  type ImportPreview,
  type Stage,
} from '@salesboard/shared';
import { AuditService } from '../../auth/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { forbidden } from '../../auth/auth.guard.js';
import { badField } from '../../common/errors.js';
import { isDatabaseUnavailable } from '../../common/http-exception.filter.js';
import { idempotencyContext } from '../../common/idempotency/idempotency.context.js';
import { describeIssues } from '../../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { EventWriter } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { LivePublisher } from '../../live/live.publisher.js';
import { StagesService } from '../../stages/stages.service.js';
import { type CsvRecord, openCsv } from './csv-source.js';
import { guessStage, stageMatcher } from './guess.js';
import { DealCommands } from '../../deals/deal-commands.service.js';
import { ImportBatchWriter } from './import-batch.writer.js';
import { ImportJobsService } from './import-jobs.service.js';
import { guessActivityType, planKindColumns } from './kind-columns.js';
import { type CsvUpload, receiveCsv, SECOND_FILE } from './multipart.js';
import { NameColumns } from './name-columns.js';
import type { NameMatcher } from './name-matcher.js';
import { readAccount, readActivity, readExchangeRate, readProduct, readRep, type Read } from './org-rows.js';
import { AccountsWriter, ActivitiesWriter, ExchangeRatesWriter, type KindWriter, ProductsWriter, RepsWriter } from './org-writers.js';
import { planColumns, type Rejection, RowReader } from './row-reader.js';
import { DateFormatEvidence, looseKey, dateIn, ZonedDays } from './values.js';

/**
 * Rows per transaction: large enough that per-statement costs vanish, small enough to hold locks
 * briefly (a batch of 2,000 holds its deals for about 0.2 s here). 500 imported 9,100-9,300 rows/s
 * in the bench, 1,000 9,800-10,100, 2,000 10,800-10,900 (the round trips and commits per row).
 */
export const IMPORT_BATCH_ROWS = 2000;
const HEARTBEAT_MS = 30_000;
/** Admins' progress bars move smoothly at four updates a second; more would only load the sockets. */
export const PROGRESS_EVERY_MS = 250;
const PREVIEW_ROWS = 10;
const PREVIEW_VALUES = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The deal field of each column whose values name a record, and its value mapping. */
const NAME_COLUMN_OF = { owner: 'owners', account: 'accounts', product: 'products' } as const satisfies Partial<Record<ImportField, ImportNameColumn>>;

/** A kind's import once the file's header is known: its columns, and how its rows are read and written. */
interface KindImport<R = unknown> {
  columns: ImportColumns;
  unmappedHeaders: string[];
  /** The caller's date format, when not left to `auto`. */
  dateFormat: DateFormat | null;
  /** The cells of a record that hold dates: the evidence for M/D against D/M. */
  dates(record: CsvRecord): string[];
  /**
   * The column whose distinct values the preview lists (deal stages, activity types), where each
   * would go, and for one that goes nowhere the nearest target (deal stages).
   */
  values: { at: number; target(value: string): string | null; suggest?(value: string): string | null } | null;
  /** Deals: the columns naming reps, accounts and products, whose distinct values the preview lists with what each names. */
  names: { column: ImportNameColumn; at: number; describe(values: { value: string; count: number }[]): Promise<ImportNameValue[]> }[];
  start(jobId: string, dateFormat: DateFormat, context: ChangeContext): { read(record: CsvRecord): Read<R>; writer: KindWriter<R> };
}

/** What is known from the mapping alone (checked before the file is read); the header completes it. */
type Prepared = (headers: string[], forPreview: boolean) => KindImport;

@Injectable()
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
    private readonly commands: DealCommands,
    private readonly stages: StagesService,
    private readonly jobs: ImportJobsService,
    private readonly publisher: LivePublisher,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `kind` as it came in the path or query: anything else is a 400 naming it. */
  static kindOf(value: string | undefined, field: string): ImportKind {
    if (value === undefined || value === '') return 'deals';
    if ((IMPORT_KINDS as readonly string[]).includes(value)) return value as ImportKind;
    throw badField(field, `"${value}" is not one of ${IMPORT_KINDS.join(', ')}`);
  }

  /** Runs the import; the audit log gets one entry for it, with its counts, once it has ended. */
  async importFile(kind: ImportKind, request: Request, context: ChangeContext, by: { principal: Principal; ip: string | null }): Promise<ImportJob> {
    // Rates move every figure: admins only, as PUT /api/exchange-rates (the route itself also lets write keys in).
    if (kind === 'exchange-rates' && by.principal.role !== 'admin') throw forbidden('authorization: importing exchange rates is for admins');
    const upload = await receiveCsv(request, ['mapping', 'jobId']);
    try {
      const job = await this.run(kind, upload, context);
      const { fileName, status, created, updated, unchanged, rejected } = job;
      await this.audit.record(by.principal, {
        action: `import.${kind}`,
        target: `importJob:${job.id}`,
        details: { fileName, status, created, updated, unchanged, rejected },
        ip: by.ip,
      });
      return job;
    } finally {
      upload.abandon();
    }
  }

  async preview(kind: ImportKind, request: Request): Promise<ImportPreview> {
    const upload = await receiveCsv(request, ['mapping']);
    try {
      const prepared = await this.prepare(kind, upload.fields.get('mapping'), false);
      let skipped = 0;
      const csv = await openCsv(upload.file, () => skipped++);
      const plan = prepared(csv.headers, true);
      const rows: string[][] = [];
      const valueCounts = new ValueCounts();
      const nameCounts = plan.names.map(() => new ValueCounts());
      const evidence = new DateFormatEvidence();
      let rowCount = 0;
      for await (const record of csv.records) {
        rowCount++;
        if (rows.length < PREVIEW_ROWS) rows.push(record.cells);
        for (const date of plan.dates(record)) evidence.add(date);
        if (plan.values) valueCounts.add(record.cells[plan.values.at]);
        plan.names.forEach(({ at }, i) => nameCounts[i].add(record.cells[at]));
      }
      const values = valueCounts.list().map(({ value, count }) => {
        const target = plan.values?.target(value) ?? null;
        return { value, count, target, suggestion: target === null ? (plan.values?.suggest?.(value) ?? null) : null };
      });
      const names = Object.fromEntries(IMPORT_NAME_COLUMNS.map((column) => [column, [] as ImportNameValue[]])) as ImportPreview['names'];
      for (const [i, { column, describe }] of plan.names.entries()) names[column] = await describe(nameCounts[i].list());
      return {
        kind,
        fileName: upload.fileName,
        delimiter: csv.delimiter,
        headers: csv.headers,
        rows,
        rowCount: rowCount + skipped,
        columns: plan.columns,
        unmappedHeaders: plan.unmappedHeaders,
        dateFormat: plan.dateFormat ?? evidence.decide(csv.delimiter),
        stages: kind === 'deals' ? values.map(({ value, count, target, suggestion }) => ({ value, count, stage: target, suggestion })) : [],
        activityTypes: kind === 'activities' ? values.map(({ value, count, target }) => ({ value, count, type: target as ActivityType | null })) : [],
        names,
      };
    } finally {
      upload.abandon();
    }
  }

  private async run(kind: ImportKind, upload: CsvUpload, context: ChangeContext): Promise<ImportJob> {
    const jobId = upload.fields.get('jobId') ?? null;
    const prepared = await this.prepare(kind, upload.fields.get('mapping'), true);
    if (jobId !== null && !UUID.test(jobId)) throw badField('jobId', 'must be a UUID');

    const skipped: Rejection[] = [];
    const csv = await openCsv(upload.file, (line, reason) => skipped.push({ line, reason, cells: [] }));
    const plan = prepared(csv.headers, false);
    // The first batch is read before the job exists: the date format is decided from it.
    const records = csv.records[Symbol.asyncIterator]();
    const first = await readBatch(records).catch((error: unknown) => {
      if (error instanceof HttpException) throw error;
      throw badField('file', `is not a readable CSV (${error instanceof Error ? error.message : String(error)})`);
    });
    let dateFormat = plan.dateFormat;
    if (dateFormat === null) {
      const evidence = new DateFormatEvidence();
      for (const record of first) for (const date of plan.dates(record)) evidence.add(date);
      dateFormat = evidence.decide(csv.delimiter);
    }

    const job = await this.jobs.create({
      id: jobId,
      kind,
      fileName: upload.fileName,
      delimiter: csv.delimiter,
      dateFormat,
      headers: csv.headers,
      columns: plan.columns,
      warnings: [],
    });
    const { read, writer } = plan.start(job.id, dateFormat, context);
    const heartbeat = setInterval(() => void this.jobs.heartbeat(job.id).catch(() => undefined), HEARTBEAT_MS);
    heartbeat.unref();
    let lastProgress = 0;
    const progress = async () => {
      if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = Date.now();
      this.publisher.publishDerived('import.progress', await this.jobs.get(job.id), { role: 'admin' });
    };
    let rowsRead = 0;
    const write = async (batch: CsvRecord[], readAhead: () => void): Promise<boolean> => {
      const rows = [];
      const rejections = skipped.splice(0);
      rowsRead += batch.length + rejections.length;
      for (const record of batch) {
        const result = read(record);
        if ('row' in result) rows.push(result.row);
        else rejections.push(result.rejection);
      }
      const going = (await writer.write(rows, rejections, rowsRead, readAhead)) !== 'stopped';
      if (going) await progress();
      return going;
    };
    try {
      let going = true;
      let batch = first;
      while (going && (batch.length > 0 || skipped.length > 0)) {
        // The next batch is parsed while this one is written, from the moment the writer says
        // that what is left is PostgreSQL's work: the CPU parses while PostgreSQL writes. Started
        // with the batch instead, the parse took the CPU from the batch's own preparation, and
        // PostgreSQL waited for both (profile of the bulk scenario).
        const last = batch.length < IMPORT_BATCH_ROWS;
        let next: Promise<CsvRecord[]> | undefined;
        const readAhead = (): Promise<CsvRecord[]> => {
          if (next) return next;
          next = last ? Promise.resolve([]) : readBatch(records);
          // Awaited only once the write has ended, or not at all when the write fails (its error
          // is the answer): a read failing meanwhile (a row over the size limit) must not count
          // as unhandled, which would end the process.
          next.catch(() => undefined);
          return next;
        };
        going = await write(batch, () => void readAhead());
        batch = await readAhead();
      }
      if (upload.lateFields.length) await this.warn(job.id, upload.lateFields);
      return this.ended(await this.jobs.finish(job.id, going ? 'completed' : 'cancelled', null, context));
    } catch (error) {
      const reason =
        error instanceof HttpException
          ? String((error.getResponse() as { message?: unknown }).message ?? error.message)
          : error instanceof Error
            ? error.message
            : String(error);
      // Outside the Idempotency-Key: a failed import must not become the key's stored answer.
      await idempotencyContext
        .exit(() => this.jobs.finish(job.id, 'failed', reason, context))
        .then((failed) => this.ended(failed))
        .catch(() => undefined);
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

  /** The job's final state goes to admins' progress bars whatever the pace: the bar must end where the job did. */
  private ended(job: ImportJob): ImportJob {
    this.publisher.publishDerived('import.progress', job, { role: 'admin' });
    return job;
  }

  // ---- kinds ----------------------------------------------------------------------------------

  /** Checks the mapping (a 400 naming the field when it is wrong) before a byte of the file is read. */
  private async prepare(kind: ImportKind, text: string | undefined, forImport: boolean): Promise<Prepared> {
    switch (kind) {
      case 'deals':
        return this.prepareDeals(this.mapping('deals', text), forImport);
      case 'activities':
        return this.prepareActivities(this.mapping('activities', text), forImport);
      case 'reps': {
        const mapping = this.mapping('reps', text);
        return (headers, forPreview) => {
          const plan = planKindColumns('reps', headers, mapping.columns, !forPreview);
          return this.simple(plan, (jobId, context) => ({
            read: (record) => readRep(record, headers.length, plan),
            writer: new RepsWriter({ writer: this.writer, context, jobId }),
          }));
        };
      }
      case 'accounts': {
        const mapping = this.mapping('accounts', text);
        return (headers, forPreview) => {
          const plan = planKindColumns('accounts', headers, mapping.columns, !forPreview);
          return this.simple(plan, (jobId, context) => ({
            read: (record) => readAccount(record, headers.length, plan),
            writer: new AccountsWriter({ writer: this.writer, context, jobId }),
          }));
        };
      }
      case 'products': {
        const mapping = this.mapping('products', text);
        return (headers, forPreview) => {
          const plan = planKindColumns('products', headers, mapping.columns, !forPreview);
          return this.simple(plan, (jobId, context) => ({
            read: (record) => readProduct(record, headers.length, plan),
            writer: new ProductsWriter({ writer: this.writer, context, jobId }),
          }));
        };
      }
      case 'exchange-rates': {
        const mapping = this.mapping('exchange-rates', text);
        return (headers, forPreview) => {
          const plan = planKindColumns('exchange-rates', headers, mapping.columns, !forPreview);
          return this.simple(plan, (jobId, context) => ({
            read: (record) => readExchangeRate(record, headers.length, plan),
            writer: new ExchangeRatesWriter({ writer: this.writer, context, jobId }, this.config.currency),
          }));
        };
      }
    }
  }

  /** Kinds without dates or value maps: reps, accounts and products. */
  private simple<R>(
    plan: { columns: ImportColumns; unmappedHeaders: string[] },
    start: (jobId: string, context: ChangeContext) => { read(record: CsvRecord): Read<R>; writer: KindWriter<R> },
  ): KindImport {
    return {
      columns: plan.columns,
      unmappedHeaders: plan.unmappedHeaders,
      dateFormat: 'iso',
      dates: () => [],
      values: null,
      names: [],
      start: (jobId, _dateFormat, context) => start(jobId, context) as ReturnType<KindImport['start']>,
    };
  }

  private async prepareDeals(mapping: ImportMappingOf<'deals'>, forImport: boolean): Promise<Prepared> {
    const stageMap = this.stageMap(mapping.stages ?? {});
    if (forImport) await this.requireRep(mapping.defaultOwnerId);
    const names = await NameColumns.prepare(this.dataSource.manager, mapping);
    return (headers, forPreview) => {
      const plan = planColumns(headers, mapping.columns, !forPreview);
      const nameColumns = (['owner', 'account', 'product'] as const).flatMap((field) => {
        const at = plan.index[field];
        const column = NAME_COLUMN_OF[field];
        return at === undefined ? [] : [{ column, at, describe: (values: { value: string; count: number }[]) => names.describe(column, values) }];
      });
      if (!forPreview && plan.index.owner === undefined && !mapping.defaultOwnerId) {
        throw badField('mapping.defaultOwnerId', `is required when no column holds the owner (the file's columns: ${headers.join(', ')})`);
      }
      const stages = this.stages.list();
      let suggestions: NameMatcher<string> | null = null;
      const dateColumns = [plan.index.closeDate, plan.index.createdAt].filter((at): at is number => at !== undefined);
      return {
        columns: plan.columns,
        unmappedHeaders: plan.unmappedHeaders,
        dateFormat: mapping.dateFormat && mapping.dateFormat !== 'auto' ? mapping.dateFormat : null,
        dates: (record) => dateColumns.map((at) => record.cells[at] ?? '').filter(Boolean),
        values:
          plan.index.stage === undefined
            ? null
            : {
                at: plan.index.stage,
                target: (value) => (stageMap.get(looseKey(value)) ?? guessStage(value, stages))?.key ?? null,
                suggest: (value) => (suggestions ??= stageMatcher(stages)).nearest(value)?.target ?? null,
              },
        names: nameColumns,
        start: (jobId, dateFormat, context) => {
          const reader = new RowReader({
            headers,
            plan,
            stages,
            stageMap,
            nameMaps: names.maps,
            dateFormat,
            currency: mapping.currency ?? this.config.currency,
            today: dateIn(this.config.timeZone),
          });
          const writer = new ImportBatchWriter(
            this.writer,
            this.commands,
            {
              jobId,
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
          return { read: (record) => reader.read(record) as Read<unknown>, writer: writer as KindWriter<unknown> };
        },
      };
    };
  }

  private async prepareActivities(mapping: ImportMappingOf<'activities'>, forImport: boolean): Promise<Prepared> {
    const types = new Map(Object.entries(mapping.types ?? {}).map(([value, type]) => [looseKey(value), type]));
    if (forImport) await this.requireRep(mapping.defaultOwnerId);
    return (headers, forPreview) => {
      const plan = planKindColumns('activities', headers, mapping.columns, !forPreview);
      if (!forPreview && plan.index.owner === undefined && !mapping.defaultOwnerId) {
        throw badField('mapping.defaultOwnerId', `is required when no column holds the rep (the file's columns: ${headers.join(', ')})`);
      }
      const at = plan.index.at;
      const typeAt = plan.index.type ?? plan.index.subject;
      const fromSubject = plan.index.type === undefined;
      return {
        columns: plan.columns,
        unmappedHeaders: plan.unmappedHeaders,
        dateFormat: mapping.dateFormat && mapping.dateFormat !== 'auto' ? mapping.dateFormat : null,
        dates: (record) => (at === undefined || !record.cells[at] ? [] : [record.cells[at]]),
        values: typeAt === undefined ? null : { at: typeAt, target: (value) => types.get(looseKey(value)) ?? guessActivityType(value, fromSubject) },
        names: [],
        start: (jobId, dateFormat, context) => {
          const days = new ZonedDays(this.config.timeZone);
          const writer = new ActivitiesWriter(
            { writer: this.writer, context, jobId },
            { createReps: mapping.createReps ?? false, defaultOwnerId: mapping.defaultOwnerId ?? null, idHeader: plan.columns.externalId ?? null },
          );
          return {
            read: (record) => readActivity(record, { width: headers.length, plan, types, dateFormat, days, now: Date.now }) as Read<unknown>,
            writer: writer as KindWriter<unknown>,
          };
        },
      };
    };
  }

  // ---- mapping --------------------------------------------------------------------------------

  private mapping<K extends ImportKind>(kind: K, text: string | undefined): ImportMappingOf<K> {
    if (text === undefined || text.trim() === '') return {} as ImportMappingOf<K>;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badField('mapping', 'is not valid JSON');
    }
    const parsed = IMPORT_MAPPING_SCHEMAS[kind].safeParse(json);
    if (parsed.success) return parsed.data as ImportMappingOf<K>;
    const [issue] = describeIssues(parsed.error.issues);
    throw badField(`mapping.${issue.path}`.replace(/\.body$/, ''), issue.message);
  }

  /** The caller's stage mapping by looseKey of the file's value; a target that is not a stage is a 400. */
  private stageMap(stages: Record<string, string>): Map<string, Stage> {
    const map = new Map<string, Stage>();
    for (const [value, key] of Object.entries(stages)) {
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

  private async warn(jobId: string, lateFields: string[]): Promise<void> {
    const warnings = lateFields.map((name) =>
      name === SECOND_FILE
        ? 'file: only one file per import; a second one was sent and not imported'
        : `${name}: came after the file and was not applied; send it before the file`,
    );
    await this.dataSource.query('UPDATE import_jobs SET warnings = warnings || $2::jsonb WHERE id = $1', [jobId, JSON.stringify(warnings)]);
  }
}

/** The distinct values of a column and how often each occurs, the first PREVIEW_VALUES of them, most frequent first. */
class ValueCounts {
  private readonly counts = new Map<string, number>();

  add(cell: string | undefined): void {
    const value = (cell ?? '').trim();
    if (value && (this.counts.has(value) || this.counts.size < PREVIEW_VALUES)) this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }

  list(): { value: string; count: number }[] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([value, count]) => ({ value, count }));
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
