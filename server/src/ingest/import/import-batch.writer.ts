/**
 * Writes one batch of an import in one transaction: resolves reps, accounts and products by
 * name (creating those the kept rows lack when the import allows), hands the deals to DealCommands.bulkUpsert
 * (set-based SQL, stage history included), stores the rejected rows and moves the job's
 * counters. No per-deal events: the import emits one summary at the end (see ImportService).
 */
import type { EntityManager } from 'typeorm';
import { dealNameOf } from '@salesboard/shared';
import { type BulkDeal, DealCommands } from '../../deals/deal-commands.service.js';
import { EventWriter, type WriteTx } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { nameKey } from '../../org/org.entities.js';
import { type BatchOutcome, dropSeen, inJobBatch, type KeyedRow } from './job-batch.js';
import { didYouMean } from './name-matcher.js';
import { type OwnerLookup, OwnerResolver } from './owner-resolver.js';
import { AccountNames, type NamedRecord, ProductNames } from './record-names.js';
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

/** A row whose references all resolve (or will be created): what it still needs before it is a deal. */
interface KeptRow {
  row: ImportRow & KeyedRow;
  owner: OwnerLookup;
  account: NamedRecord | string | null;
  product: NamedRecord | string | null;
}

export class ImportBatchWriter {
  private readonly owners: OwnerResolver;
  private readonly accounts = new AccountNames();
  private readonly products = new ProductNames();

  constructor(
    private readonly writer: EventWriter,
    private readonly commands: DealCommands,
    private readonly settings: ImportSettings,
    private readonly days: ZonedDays,
    private readonly context: ChangeContext,
  ) {
    this.owners = new OwnerResolver(settings);
  }

  /**
   * Writes the batch, or answers 'stopped' when the job was cancelled (or given up by the
   * housekeeping) meanwhile. A row is rejected before anything is written for it: its reps,
   * accounts and products are created only once every row that needs them has been kept, and a
   * rejected row does not take its id from a later row that names the same deal.
   */
  write(rows: ImportRow[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'> {
    return inJobBatch(this.writer, this.context, this.settings.jobId, rowsRead, rejections, async (tx, outcome) => {
      const keyed = rows.map((row) => Object.assign(row, { key: row.externalId }));
      const resolved = await this.resolve(tx.manager, keyed, rejections);
      const fresh = new Set(
        await dropSeen(
          tx.manager,
          this.settings.jobId,
          resolved.map((kept) => kept.row),
          rejections,
          (row, first) => this.duplicate(row, first),
        ),
      );
      const deals = await this.create(
        tx,
        resolved.filter((kept) => fresh.has(kept.row)),
        rejections,
        outcome,
      );
      // Read ahead from when the inserts are sent: what is left is PostgreSQL's (about 80 ms of
      // 2,000 rows' inserts and their key checks, against some 20 ms of parsing).
      const counts = await this.commands.bulkUpsert(tx, 'csv', deals, this.settings.hasCreatedColumn, readAhead);
      outcome.created += counts.created;
      outcome.updated += counts.updated;
      outcome.unchanged += counts.unchanged;
    });
  }

  /** A closed row closes at the start of its close day in the organisation's zone; an open one has no close. */
  private closedAtOf(row: ImportRow): Date | null {
    return row.stage.kind === 'open' || row.closeDate === null ? null : this.days.startOf(row.closeDate);
  }

  private duplicate(row: ImportRow, first: number): string {
    return this.settings.idHeader
      ? `duplicate: ${this.settings.idHeader} "${row.externalId}" already appeared on line ${first}`
      : `duplicate: the same name, account and created date as line ${first} (map an id column to import both)`;
  }

  // ---- references -----------------------------------------------------------------------------

  /** Each row's rep, account and product as they stand, or its rejection. Writes nothing. */
  private async resolve(manager: EntityManager, rows: (ImportRow & KeyedRow)[], rejections: Rejection[]): Promise<KeptRow[]> {
    if (rows.length === 0) return [];
    const owners = await this.owners.find(manager, rows);
    const accounts = await this.accounts.find(
      manager,
      rows.flatMap((row) => (row.account ? [row.account] : [])),
    );
    const products = await this.products.find(
      manager,
      rows.flatMap((row) => (row.product ? [row.product] : [])),
    );
    // Asked of DealCommands, the one place that decides it, with the close instant each row will be written with.
    const missingRate = await this.commands.missingRates(manager, rows, (row) => this.closedAtOf(row));
    const kept: KeptRow[] = [];
    for (const row of rows) {
      const reject = (reason: string) => rejections.push({ line: row.line, reason, cells: row.cells });
      const owner = owners.get(row) ?? { reason: 'owner: could not be resolved' };
      if ('reason' in owner) {
        reject(owner.reason);
        continue;
      }
      const account = row.account ? (accounts.get(nameKey(row.account)) ?? row.account) : null;
      if (typeof account === 'string' && !this.settings.createAccounts) {
        const suggestion = await this.accounts.suggest(manager, account);
        reject(`account: no account named "${account}"${didYouMean(suggestion)} (map it in mapping.accounts, or set createAccounts to create it)`);
        continue;
      }
      const product = row.product ? (products.get(nameKey(row.product)) ?? row.product) : null;
      if (typeof product === 'string' && !this.settings.createProducts) {
        const suggestion = await this.products.suggest(manager, product);
        reject(`product: no product named "${product}"${didYouMean(suggestion)} (map it in mapping.products, or set createProducts to create it)`);
        continue;
      }
      const rateProblem = missingRate(row);
      if (rateProblem) {
        reject(rateProblem);
        continue;
      }
      kept.push({ row, owner, account, product });
    }
    return kept;
  }

  /** Creates the reps, accounts and products the kept rows name and lack, and makes each row a deal. */
  private async create(tx: WriteTx, kept: KeptRow[], rejections: Rejection[], outcome: BatchOutcome): Promise<BulkDeal[]> {
    if (kept.length === 0) return [];
    const lookups = new Map(kept.map((k) => [k.row, k.owner]));
    const { answers: owners, created } = await this.owners.create(
      tx,
      kept.map((k) => k.row),
      lookups,
    );
    outcome.repsCreated += created;
    const newAccounts = kept.flatMap((k) => (typeof k.account === 'string' ? [k.account] : []));
    outcome.accountsCreated += await this.accounts.create(tx, newAccounts);
    const accounts = await this.accounts.find(tx.manager, newAccounts);
    const newProducts = kept.flatMap((k) => (typeof k.product === 'string' ? [k.product] : []));
    outcome.productsCreated += await this.products.create(tx, newProducts);
    const products = await this.products.find(tx.manager, newProducts);

    const deals: BulkDeal[] = [];
    for (const { row, account, product } of kept) {
      const reject = (reason: string) => rejections.push({ line: row.line, reason, cells: row.cells });
      const owner = owners.get(row) ?? { reason: 'owner: could not be resolved' };
      if ('reason' in owner) {
        reject(owner.reason);
        continue;
      }
      const accountId = typeof account === 'string' ? accounts.get(nameKey(account))?.id : (account?.id ?? null);
      const productId = typeof product === 'string' ? products.get(nameKey(product))?.id : (product?.id ?? null);
      if (accountId === undefined || productId === undefined) {
        reject(accountId === undefined ? `account: could not create "${String(account)}"` : `product: could not create "${String(product)}"`);
        continue;
      }
      const closedAt = this.closedAtOf(row);
      let createdAt = row.createdDate ? this.days.startOf(row.createdDate) : null;
      if (createdAt && closedAt && createdAt > closedAt) createdAt = closedAt;
      deals.push({
        externalId: row.externalId,
        // Named as the demo names deals, with the names as the records spell them ("PT Maju Jaya", not "pt maju jaya").
        name: row.nameFromReferences ? (dealNameOf(spelt(account), spelt(product)) ?? row.name) : row.name,
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
    return deals;
  }
}

/** A reference as its record spells it, or as the file does for one created by this import. */
function spelt(reference: NamedRecord | string | null): string | null {
  return typeof reference === 'string' ? reference : (reference?.name ?? null);
}
