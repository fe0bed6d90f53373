/**
 * Writes one batch of an import in one transaction: resolves reps, accounts and products by
 * name (creating them when the import allows), hands the deals to DealCommands.bulkUpsert
 * (set-based SQL, stage history included), stores the rejected rows and moves the job's
 * counters. No per-deal events: the import emits one summary at the end (see ImportService).
 */
import type { EntityManager } from 'typeorm';
import { type BulkDeal, DealCommands } from '../../deals/deal-commands.service.js';
import { EventWriter, type WriteTx } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
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

/** Account ids by name key kept between batches; emptied when it would grow past this. */
const ACCOUNT_CACHE = 50_000;

export class ImportBatchWriter {
  private readonly owners: OwnerResolver;
  private products: Map<string, string> | null = null;
  private readonly accounts = new Map<string, string>();

  constructor(
    private readonly writer: EventWriter,
    private readonly commands: DealCommands,
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
      const counts = await this.commands.bulkUpsert(tx, 'csv', resolved, this.settings.hasCreatedColumn);
      outcome.created += counts.created;
      outcome.updated += counts.updated;
      outcome.unchanged += counts.unchanged;
    });
  }

  private duplicate(row: ImportRow, first: number): string {
    return this.settings.idHeader
      ? `duplicate: ${this.settings.idHeader} "${row.externalId}" already appeared on line ${first}`
      : `duplicate: the same name, account and created date as line ${first} (map an id column to import both)`;
  }

  // ---- references -----------------------------------------------------------------------------

  private async resolve(tx: WriteTx, rows: ImportRow[], rejections: Rejection[], outcome: BatchOutcome): Promise<BulkDeal[]> {
    if (rows.length === 0) return [];
    const { answers: owners, created } = await this.owners.resolve(tx, rows);
    outcome.repsCreated += created;
    const accounts = await this.resolveAccounts(tx.manager, rows, outcome);
    const products = await this.resolveProducts(tx, rows, outcome);
    const resolved: BulkDeal[] = [];
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
      resolved.push({
        externalId: row.externalId,
        name: row.name,
        accountId,
        productId,
        ownerId: owner.id,
        amount: row.amount,
        currency: row.currency,
        stage: row.stage,
        expectedCloseDate: row.closeDate,
        closedAt,
        createdAt,
      });
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
        // Known by name alone: the margin is unknown (NULL), not 0 %, so return on sales leaves these deals out.
        `INSERT INTO products (name, list_price, margin_pct) SELECT name, 0, NULL FROM unnest($1::text[]) AS n(name)
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
}
