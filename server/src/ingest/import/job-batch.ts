/**
 * What every kind of import does per batch, in the batch's one transaction: stop when the job was
 * cancelled meanwhile, reject the file's repeats of a record it already named, store the rejected
 * rows and move the job's counters. The kind's own writer fills in the middle.
 */
import type { EntityManager } from 'typeorm';
import { idempotencyContext } from '../../common/idempotency/idempotency.context.js';
import type { EventWriter, WriteTx } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import type { Rejection } from './row-reader.js';

export interface BatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  repsCreated: number;
  accountsCreated: number;
  productsCreated: number;
}

/** A row as the duplicate check sees it: the key that names its record, and where it came from. */
export interface KeyedRow {
  key: string;
  line: number;
  cells: string[];
}

/**
 * Runs `work` in the batch's transaction, or answers 'stopped' when the job was cancelled (or
 * given up by the housekeeping). Outside the request's Idempotency-Key: the key belongs to the
 * import's final answer, not to its first batch.
 */
export function inJobBatch(
  writer: EventWriter,
  context: ChangeContext,
  jobId: string,
  rowsRead: number,
  rejections: Rejection[],
  work: (tx: WriteTx, outcome: BatchOutcome) => Promise<void>,
): Promise<BatchOutcome | 'stopped'> {
  return idempotencyContext.exit(() =>
    writer.transaction(context, async (tx) => {
      const [job]: { status: string; cancel_requested: boolean }[] = await tx.manager.query(
        'SELECT status, cancel_requested FROM import_jobs WHERE id = $1 FOR UPDATE',
        [jobId],
      );
      if (!job || job.status !== 'running' || job.cancel_requested) return 'stopped';
      const outcome: BatchOutcome = { created: 0, updated: 0, unchanged: 0, rejected: 0, repsCreated: 0, accountsCreated: 0, productsCreated: 0 };
      await work(tx, outcome);
      await storeRejections(tx.manager, jobId, rejections);
      outcome.rejected = rejections.length;
      await tx.manager.query(
        `UPDATE import_jobs SET rows_read = $2, created = created + $3, updated = updated + $4, unchanged = unchanged + $5,
                rejected = rejected + $6, reps_created = reps_created + $7, accounts_created = accounts_created + $8,
                products_created = products_created + $9, heartbeat_at = now()
          WHERE id = $1`,
        [
          jobId,
          rowsRead,
          outcome.created,
          outcome.updated,
          outcome.unchanged,
          outcome.rejected,
          outcome.repsCreated,
          outcome.accountsCreated,
          outcome.productsCreated,
        ],
      );
      return outcome;
    }),
  );
}

/**
 * A record named twice in one file is imported from its first row; later rows are rejected with
 * the line of the first. The keys seen so far live in a scratch table, not in memory, so a file
 * of any length keeps the import's memory flat.
 */
export async function dropSeen<R extends KeyedRow>(
  manager: EntityManager,
  jobId: string,
  rows: R[],
  rejections: Rejection[],
  reason: (row: R, firstLine: number) => string,
): Promise<R[]> {
  const firstLine = new Map<string, number>();
  const unique: R[] = [];
  for (const row of rows) {
    const first = firstLine.get(row.key);
    if (first === undefined) {
      firstLine.set(row.key, row.line);
      unique.push(row);
    } else rejections.push({ line: row.line, reason: reason(row, first), cells: row.cells });
  }
  if (unique.length === 0) return unique;
  // DO UPDATE (to the same value) rather than DO NOTHING, so rows seen before come back with
  // their first line; `xmax = 0` tells the new ones. Index-driven whatever the table's statistics.
  const seen: { external_id: string; line: number; fresh: boolean }[] = await manager.query(
    `INSERT INTO import_seen AS s (job_id, external_id, line)
     SELECT $1, * FROM unnest($2::text[], $3::int[])
     ON CONFLICT (job_id, external_id) DO UPDATE SET line = s.line
     RETURNING s.external_id, s.line, (s.xmax = 0) AS fresh`,
    [jobId, unique.map((r) => r.key), unique.map((r) => r.line)],
  );
  const seenAt = new Map(seen.filter((e) => !e.fresh).map((e) => [e.external_id, e.line]));
  if (seenAt.size === 0) return unique;
  return unique.filter((row) => {
    const first = seenAt.get(row.key);
    if (first === undefined) return true;
    rejections.push({ line: row.line, reason: reason(row, first), cells: row.cells });
    return false;
  });
}

async function storeRejections(manager: EntityManager, jobId: string, rejections: Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  await manager.query(
    `INSERT INTO import_rejections (job_id, line, reason, cells)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING`,
    [jobId, rejections.map((r) => r.line), rejections.map((r) => r.reason), rejections.map((r) => JSON.stringify(r.cells))],
  );
}
