/**
 * Writes one batch of an import in one transaction: resolves reps, accounts and products by
 * name (creating them when the import allows), creates or updates the deals with set-based SQL
 * (a few statements per batch, whatever its size), writes a stage-history row per deal created
 * or moved, stores the rejected rows and moves the job's counters. No per-deal events: the
 * import emits one summary at the end (see ImportService).
 */
import type { EntityManager } from 'typeorm';
import { normalizeMoney } from '@salesboard/shared';
import { type ChangeContext, EventWriter, type WriteTx } from '../../events/event-writer.service.js';
import { nameKey } from '../../org/org.entities.js';
import { type BatchOutcome, dropSeen, inJobBatch } from './job-batch.js';
import { OwnerResolver } from './owner-resolver.js';
import type { ImportRow, Rejection } from './row-reader.js';
import type { ZonedDays } from './values.js';

export interface ImportSettings {
  jobId: string;
  createReps: boolean;
  createAccounts: boolean;
  createProducts: boolean;
  defaultOwnerId: string | null;
  /** The header of the id column, for messages; null when ids are derived. */
  idHeader: string | null;
  /** Whether the file has a created-date column: only then does an import change created_at. */
  hasCreatedColumn: boolean;
}

interface ExistingDeal {
  id: string;
  external_id: string;
  name: string;
  account_id: string | null;
  product_id: string | null;
  owner_id: string;
  amount: string;
  currency: string;
  stage: string;
  expected_close_date: string | null;
  closed_at: Date | null;
  created_at: Date;
  stage_entered_at: Date;
}

/** A row with its references resolved: what goes into the deals table. */
interface Resolved {
  row: ImportRow;
  ownerId: string;
  accountId: string | null;
  productId: string | null;
  closedAt: Date | null;
  /** From the file (clamped to the close), or null when the file has no created date. */
  createdAt: Date | null;
}

interface DealWrite {
  /** The existing deal's id and stage; null for a deal to create. */
  id: string | null;
  fromStage: string | null;
  r: Resolved;
  createdAt: Date;
  stageEnteredAt: Date;
}

/** Account ids by name key kept between batches; emptied when it would grow past this. */
const ACCOUNT_CACHE = 50_000;

export class ImportBatchWriter {
  private readonly owners: OwnerResolver;
  private products: Map<string, string> | null = null;
  private readonly accounts = new Map<string, string>();

  constructor(
    private readonly writer: EventWriter,
    private readonly settings: ImportSettings,
    private readonly days: ZonedDays,
    private readonly context: ChangeContext,
  ) {
    this.owners = new OwnerResolver(settings);
  }

  /** Writes the batch, or answers 'stopped' when the job was cancelled (or given up by the housekeeping) meanwhile. */
  write(rows: ImportRow[], rejections: Rejection[], rowsRead: number): Promise<BatchOutcome | 'stopped'> {
    return inJobBatch(this.writer, this.context, this.settings.jobId, rowsRead, rejections, async (tx, outcome) => {
      const keyed = rows.map((row) => Object.assign(row, { key: row.externalId }));
      const fresh = await dropSeen(tx.manager, this.settings.jobId, keyed, rejections, (row, first) => this.duplicate(row, first));
      const resolved = await this.resolve(tx, fresh, rejections, outcome);
      await this.upsertDeals(tx.manager, resolved, outcome);
    });
  }

  private duplicate(row: ImportRow, first: number): string {
    return this.settings.idHeader
      ? `duplicate: ${this.settings.idHeader} "${row.externalId}" already appeared on line ${first}`
      : `duplicate: the same name, account and created date as line ${first} (map an id column to import both)`;
  }

  // ---- references -----------------------------------------------------------------------------

  private async resolve(tx: WriteTx, rows: ImportRow[], rejections: Rejection[], outcome: BatchOutcome): Promise<Resolved[]> {
    if (rows.length === 0) return [];
    const { answers: owners, created } = await this.owners.resolve(tx, rows);
    outcome.repsCreated += created;
    const accounts = await this.resolveAccounts(tx.manager, rows, outcome);
    const products = await this.resolveProducts(tx, rows, outcome);
    const resolved: Resolved[] = [];
    for (const row of rows) {
      const reject = (reason: string) => rejections.push({ line: row.line, reason, cells: row.cells });
      const owner = owners.get(row) ?? { reason: 'owner: could not be resolved' };
      if ('reason' in owner) {
        reject(owner.reason);
        continue;
      }
      const accountId = row.account ? accounts.get(nameKey(row.account)) : null;
      if (accountId === undefined) {
        reject(`account: no account named "${row.account}" (set createAccounts to create it)`);
        continue;
      }
      const productId = row.product ? products.get(nameKey(row.product)) : null;
      if (productId === undefined) {
        reject(`product: no product named "${row.product}" (set createProducts to create it)`);
        continue;
      }
      const closedAt = row.stage.kind === 'open' || row.closeDate === null ? null : this.days.startOf(row.closeDate);
      let createdAt = row.createdDate ? this.days.startOf(row.createdDate) : null;
      if (createdAt && closedAt && createdAt > closedAt) createdAt = closedAt;
      resolved.push({ row, ownerId: owner.id, accountId, productId, closedAt, createdAt });
    }
    return resolved;
  }

  /**
   * The batch's account ids by name key (accounts.name_key is unique, so concurrent imports
   * agree). Known ones come from a cache that is emptied, not grown, past ACCOUNT_CACHE.
   */
  private async resolveAccounts(manager: EntityManager, rows: ImportRow[], outcome: BatchOutcome): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const wanted = new Map<string, string>();
    for (const row of rows) {
      if (!row.account) continue;
      const key = nameKey(row.account);
      const cached = this.accounts.get(key);
      if (cached) ids.set(key, cached);
      // The first spelling in the file names a new account: "Hotel Melati" before "HOTEL MELATI".
      else if (!wanted.has(key)) wanted.set(key, row.account);
    }
    if (wanted.size === 0) return ids;
    // Sorted, like every insert of shared names here: concurrent imports wait for each other instead of deadlocking.
    const sorted = [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const keys = sorted.map(([key]) => key);
    if (this.settings.createAccounts) {
      const created: unknown[] = await manager.query(
        `INSERT INTO accounts (name, name_key) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (name_key) DO NOTHING RETURNING id`,
        [sorted.map(([, name]) => name), keys],
      );
      outcome.accountsCreated += created.length;
    }
    const found: { id: string; name_key: string }[] = await manager.query('SELECT id, name_key FROM accounts WHERE name_key = ANY($1::text[])', [keys]);
    if (this.accounts.size + found.length > ACCOUNT_CACHE) this.accounts.clear();
    for (const account of found) {
      ids.set(account.name_key, account.id);
      this.accounts.set(account.name_key, account.id);
    }
    return ids;
  }

  /** Products are few: all of them are read once, by name key. */
  private async resolveProducts(tx: WriteTx, rows: ImportRow[], outcome: BatchOutcome): Promise<Map<string, string>> {
    if (!this.products) {
      const all: { id: string; name: string }[] = await tx.manager.query('SELECT id, name FROM products ORDER BY created_at, id');
      this.products = new Map();
      for (const p of all) if (!this.products.has(nameKey(p.name))) this.products.set(nameKey(p.name), p.id);
    }
    const products = this.products;
    const missing = new Map<string, string>();
    for (const row of rows)
      if (row.product && !products.has(nameKey(row.product)) && !missing.has(nameKey(row.product))) missing.set(nameKey(row.product), row.product);
    if (missing.size > 0 && this.settings.createProducts) {
      const names = [...missing.values()].sort();
      const created: { id: string; name: string }[] = await tx.manager.query(
        `INSERT INTO products (name, list_price, margin_pct) SELECT name, 0, 0 FROM unnest($1::text[]) AS n(name)
         ON CONFLICT (name) DO NOTHING RETURNING id, name`,
        [names],
      );
      const found: { id: string; name: string }[] = await tx.manager.query('SELECT id, name FROM products WHERE name = ANY($1::text[])', [names]);
      for (const p of found) products.set(nameKey(p.name), p.id);
      for (const p of created) tx.emit('org.changed', { entity: 'product', id: p.id, name: p.name });
      outcome.productsCreated += created.length;
    }
    return products;
  }

  // ---- deals ----------------------------------------------------------------------------------

  private async upsertDeals(manager: EntityManager, resolved: Resolved[], outcome: BatchOutcome): Promise<void> {
    if (resolved.length === 0) return;
    const now = new Date();
    let pending = resolved;
    // Two passes at most: a row another import created in between is an update the second time.
    for (let pass = 0; pass < 2 && pending.length > 0; pass++) {
      const existing = await this.lockExisting(
        manager,
        pending.map((r) => r.row.externalId),
      );
      const creates: DealWrite[] = [];
      const updates: DealWrite[] = [];
      for (const r of pending) {
        const deal = existing.get(r.row.externalId);
        if (!deal) {
          const createdAt = r.createdAt ?? (r.closedAt && r.closedAt < now ? r.closedAt : now);
          creates.push({ id: null, fromStage: null, r, createdAt, stageEnteredAt: r.closedAt ?? now });
          continue;
        }
        const write = this.compare(deal, r, now);
        if (write) updates.push(write);
        else outcome.unchanged++;
      }
      const inserted = await this.insertDeals(manager, creates);
      outcome.created += inserted.size;
      await this.updateDeals(manager, updates);
      outcome.updated += updates.length;
      pending = creates.filter((c) => !inserted.has(c.r.row.externalId)).map((c) => c.r);
    }
  }

  /**
   * Locks the batch's deals that exist already. One index probe per id (LATERAL … LIMIT 1): a
   * plain `= ANY` scans every csv deal while a first big import outruns the table's statistics.
   * Sorted ids lock in the same order in concurrent imports, so they queue instead of deadlocking.
   */
  private async lockExisting(manager: EntityManager, externalIds: string[]): Promise<Map<string, ExistingDeal>> {
    const rows: ExistingDeal[] = await manager.query(
      `SELECT d.* FROM unnest($1::text[]) AS v(external_id)
       CROSS JOIN LATERAL (
         SELECT id, external_id, name, account_id, product_id, owner_id, amount::text AS amount, currency, stage,
                to_char(expected_close_date, 'YYYY-MM-DD') AS expected_close_date, closed_at, created_at, stage_entered_at
           FROM deals WHERE source = 'csv' AND external_id = v.external_id LIMIT 1 FOR NO KEY UPDATE) d`,
      [[...externalIds].sort()],
    );
    return new Map(rows.map((row) => [row.external_id, row]));
  }

  /** The write a row makes to its existing deal, or null when the deal already holds exactly these values. */
  private compare(deal: ExistingDeal, r: Resolved, now: Date): DealWrite | null {
    const row = r.row;
    const createdAt = this.settings.hasCreatedColumn && r.createdAt ? r.createdAt : deal.created_at;
    const same =
      deal.name === row.name &&
      deal.account_id === r.accountId &&
      deal.product_id === r.productId &&
      deal.owner_id === r.ownerId &&
      normalizeMoney(deal.amount) === row.amount &&
      deal.currency.trim() === row.currency &&
      deal.stage === row.stage.key &&
      deal.expected_close_date === row.closeDate &&
      (deal.closed_at?.getTime() ?? null) === (r.closedAt?.getTime() ?? null) &&
      deal.created_at.getTime() === createdAt.getTime();
    if (same) return null;
    const stageChanged = deal.stage !== row.stage.key;
    return { id: deal.id, fromStage: deal.stage, r, createdAt, stageEnteredAt: stageChanged ? (r.closedAt ?? now) : deal.stage_entered_at };
  }

  /**
   * Inserts the new deals and, in the same statement, their first stage-history row (at the
   * close for a closed deal, else at creation). Answers the external ids actually inserted: one
   * another import inserted meanwhile is left out, and retried as an update.
   */
  private async insertDeals(manager: EntityManager, creates: DealWrite[]): Promise<Set<string>> {
    if (creates.length === 0) return new Set();
    const rows: { external_id: string }[] = await manager.query(
      `WITH added AS (
         INSERT INTO deals (source, external_id, name, account_id, product_id, owner_id, amount, currency, stage,
                            created_at, expected_close_date, closed_at, stage_entered_at, updated_at)
         SELECT 'csv', v.*, now() FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::text[], $8::text[],
                                           $9::timestamptz[], $10::date[], $11::timestamptz[], $12::timestamptz[]) AS v
         ON CONFLICT (source, external_id) DO NOTHING
         RETURNING id, external_id, stage, amount, owner_id, COALESCE(closed_at, created_at) AS at),
       history AS (
         INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
         SELECT id, NULL, stage, amount, owner_id, at, 'csv' FROM added)
       SELECT external_id FROM added`,
      this.columns(creates),
    );
    return new Set(rows.map((row) => row.external_id));
  }

  /** Updates the changed deals and writes a stage-history row for each that moved (at its close, else now). */
  private async updateDeals(manager: EntityManager, updates: DealWrite[]): Promise<void> {
    if (updates.length === 0) return;
    await manager.query(
      `WITH changed AS (
         UPDATE deals d SET name = v.name, account_id = v.account_id, product_id = v.product_id, owner_id = v.owner_id,
                amount = v.amount, currency = v.currency, stage = v.stage, created_at = v.created_at,
                expected_close_date = v.expected_close_date, closed_at = v.closed_at, stage_entered_at = v.stage_entered_at, updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::text[], $8::text[],
                       $9::timestamptz[], $10::date[], $11::timestamptz[], $12::timestamptz[], $13::uuid[], $14::text[])
                AS v(external_id, name, account_id, product_id, owner_id, amount, currency, stage, created_at, expected_close_date, closed_at, stage_entered_at, id, from_stage)
          WHERE d.id = v.id
          RETURNING d.id, v.from_stage, d.stage, d.amount, d.owner_id, COALESCE(d.closed_at, now()) AS at)
       INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
       SELECT id, from_stage, stage, amount, owner_id, at, 'csv' FROM changed WHERE from_stage <> stage`,
      [...this.columns(updates), updates.map((u) => u.id), updates.map((u) => u.fromStage)],
    );
  }

  /** The deal columns of the writes as parallel arrays, for unnest. */
  private columns(writes: DealWrite[]): unknown[] {
    return [
      writes.map((w) => w.r.row.externalId),
      writes.map((w) => w.r.row.name),
      writes.map((w) => w.r.accountId),
      writes.map((w) => w.r.productId),
      writes.map((w) => w.r.ownerId),
      writes.map((w) => w.r.row.amount),
      writes.map((w) => w.r.row.currency),
      writes.map((w) => w.r.row.stage.key),
      writes.map((w) => w.createdAt.toISOString()),
      writes.map((w) => w.r.row.closeDate),
      writes.map((w) => w.r.closedAt?.toISOString() ?? null),
      writes.map((w) => w.stageEnteredAt.toISOString()),
    ];
  }
}
