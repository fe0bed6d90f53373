/**
 * Writes one batch of reps, accounts, products or activities in one transaction, with set-based
 * SQL (a few statements per batch whatever its size). A record the file names again with the
 * same values is left alone and counted unchanged, so importing a file twice changes nothing.
 * The rows' events are one summary at the end (see ImportJobsService.finish), plus an
 * `org.changed` per rep and product created or changed, as a deal import does for the reps and
 * products it creates: those screens and caches (who is in which team, a product's margin) follow
 * that event, and an organisation has hundreds of them, not the hundred thousand rows of a pipeline.
 */
import type { EntityManager } from 'typeorm';
import type { EventWriter, WriteTx } from '../../events/event-writer.service.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { nameKey } from '../../org/org.entities.js';
import { beforeRepsMove } from '../../org/org.repository.js';
import { type BatchOutcome, dropSeen, inJobBatch, type KeyedRow } from './job-batch.js';
import type { AccountImportRow, ActivityImportRow, ExchangeRateImportRow, ProductImportRow, RepImportRow } from './org-rows.js';
import { OwnerResolver, syntheticEmail } from './owner-resolver.js';
import type { Rejection } from './row-reader.js';

export interface KindWriter<R> {
  /**
   * Writes a batch, calling `readAhead` once what is left of it is the database's work (its large
   * statements): the caller reads the next batch then, so that the CPU parses while PostgreSQL
   * writes instead of while this batch is still being prepared.
   */
  write(rows: R[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'>;
}

interface Job {
  writer: EventWriter;
  context: ChangeContext;
  jobId: string;
}

/** Ids by name key of a small table (teams, territories), read once per import. */
async function idsByName(manager: EntityManager, table: 'teams' | 'territories'): Promise<Map<string, string>> {
  const rows: { id: string; name: string }[] = await manager.query(`SELECT id, name FROM ${table} ORDER BY created_at, id`);
  const ids = new Map<string, string>();
  for (const row of rows) if (!ids.has(nameKey(row.name))) ids.set(nameKey(row.name), row.id);
  return ids;
}

/**
 * The frame of a batch of a kind whose rows name their record by key: the job's transaction, in
 * which the rows naming a record this file named before are rejected (`duplicate` says why) and
 * `work` gets the rest. These kinds' batches are statements from the start (their files are
 * short: reps, accounts, products, rates), so the next batch is read from the start.
 */
function writeFresh<R extends KeyedRow>(
  job: Job,
  batch: { rows: R[]; rejections: Rejection[]; rowsRead: number; readAhead: () => void },
  duplicate: (row: R, firstLine: number) => string,
  work: (tx: WriteTx, outcome: BatchOutcome, fresh: R[]) => Promise<void>,
): Promise<BatchOutcome | 'stopped'> {
  return inJobBatch(job.writer, job.context, job.jobId, batch.rowsRead, batch.rejections, async (tx, outcome) => {
    batch.readAhead();
    return work(tx, outcome, await dropSeen(tx.manager, job.jobId, batch.rows, batch.rejections, duplicate));
  });
}

const reject = (rejections: Rejection[], row: { line: number; cells: string[] }, reason: string) =>
  rejections.push({ line: row.line, reason, cells: row.cells });

// ---- reps -----------------------------------------------------------------------------------

interface RepRecord {
  id: string;
  name: string;
  email: string;
  team_id: string | null;
  territory_id: string | null;
  active: boolean;
}

/** Reps by email; a row without one finds its rep by name (a name two reps share is ambiguous). */
export class RepsWriter implements KindWriter<RepImportRow> {
  private byEmail = new Map<string, RepRecord>();
  private byName = new Map<string, RepRecord[]>();
  private readonly byId = new Map<string, RepRecord>();
  private teams: Map<string, string> | null = null;
  private territories = new Map<string, string>();

  constructor(private readonly job: Job) {}

  write(rows: RepImportRow[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'> {
    return writeFresh(
      this.job,
      { rows, rejections, rowsRead, readAhead },
      (row, first) =>
        row.email ? `duplicate: email "${row.email}" already appeared on line ${first}` : `duplicate: the rep "${row.name}" already appeared on line ${first}`,
      async (tx, outcome, fresh) => {
        await this.load(tx.manager);
        const creates: Omit<RepRecord, 'id'>[] = [];
        const updates: RepRecord[] = [];
        for (const row of fresh) {
          const teamId = row.team === null ? undefined : this.teams?.get(nameKey(row.team));
          if (teamId === undefined && row.team !== null) {
            reject(rejections, row, `team: no team named "${row.team}" (create it in the admin area first)`);
            continue;
          }
          const territoryId = row.territory === null ? undefined : this.territories.get(nameKey(row.territory));
          if (territoryId === undefined && row.territory !== null) {
            reject(rejections, row, `territory: no territory named "${row.territory}" (create it in the admin area first)`);
            continue;
          }
          const found = this.find(row);
          if (typeof found === 'string') {
            reject(rejections, row, found);
            continue;
          }
          if (!found) {
            const email = row.email ?? syntheticEmail(row.name);
            creates.push({ name: row.name, email, team_id: teamId ?? null, territory_id: territoryId ?? null, active: row.active ?? true });
            continue;
          }
          const next: RepRecord = {
            id: found.id,
            // A spelling that differs only in case or spacing is the same rep: their name stays as it is.
            name: nameKey(found.name) === nameKey(row.name) ? found.name : row.name,
            email: row.email ?? found.email,
            team_id: teamId === undefined ? found.team_id : teamId,
            territory_id: territoryId === undefined ? found.territory_id : territoryId,
            active: row.active ?? found.active,
          };
          if (Object.entries(next).every(([key, value]) => found[key as keyof RepRecord] === value)) outcome.unchanged++;
          else updates.push(next);
        }
        // Sorted, like every insert of shared names here: concurrent imports wait for each other instead of deadlocking.
        creates.sort((a, b) => (a.email < b.email ? -1 : 1));
        updates.sort((a, b) => (a.id < b.id ? -1 : 1));
        if (creates.length) {
          const created: RepRecord[] = await tx.manager.query(
            `INSERT INTO reps (name, email, team_id, territory_id, active)
           SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::boolean[])
           ON CONFLICT (email) DO NOTHING RETURNING id, name, email, team_id, territory_id, active`,
            [
              creates.map((c) => c.name),
              creates.map((c) => c.email),
              creates.map((c) => c.team_id),
              creates.map((c) => c.territory_id),
              creates.map((c) => c.active),
            ],
          );
          for (const rep of created) this.index(rep);
          for (const rep of created) tx.emit('org.changed', { entity: 'rep', id: rep.id, name: rep.name });
          outcome.created += created.length;
          outcome.unchanged += creates.length - created.length;
        }
        if (updates.length) {
          // The admin screen's rule for a moved rep, from the same function: closed deals stay with the team they were closed for.
          await beforeRepsMove(
            tx.manager,
            updates.map((next) => {
              const before = this.byId.get(next.id) as RepRecord;
              return {
                before: { id: before.id, teamId: before.team_id, territoryId: before.territory_id },
                after: { id: next.id, teamId: next.team_id, territoryId: next.territory_id },
              };
            }),
          );
          await tx.manager.query(
            `UPDATE reps r SET name = v.name, email = v.email, team_id = v.team_id, territory_id = v.territory_id, active = v.active
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::boolean[]) AS v(id, name, email, team_id, territory_id, active)
            WHERE r.id = v.id`,
            [
              updates.map((u) => u.id),
              updates.map((u) => u.name),
              updates.map((u) => u.email),
              updates.map((u) => u.team_id),
              updates.map((u) => u.territory_id),
              updates.map((u) => u.active),
            ],
          );
          for (const rep of updates) this.index(rep);
          for (const rep of updates) tx.emit('org.changed', { entity: 'rep', id: rep.id, name: rep.name });
          outcome.updated += updates.length;
        }
      },
    );
  }

  /**
   * The rep a row names, null for a new one, or why it is ambiguous. A row with an email also
   * claims the one rep of that name that was created from a name alone (by a deal import), so
   * the rep gets their real address instead of a second record.
   */
  private find(row: RepImportRow): RepRecord | null | string {
    const byEmail = row.email ? this.byEmail.get(row.email) : undefined;
    if (byEmail) return byEmail;
    const named = this.byName.get(nameKey(row.name)) ?? [];
    if (row.email) {
      const placeholders = named.filter((rep) => rep.email.endsWith('@imported.invalid'));
      return placeholders.length === 1 ? placeholders[0] : null;
    }
    if (named.length > 1) return `name: ${named.length} reps are named "${row.name}"; add an email column to tell them apart`;
    return named[0] ?? null;
  }

  private async load(manager: EntityManager): Promise<void> {
    if (this.teams) return;
    this.teams = await idsByName(manager, 'teams');
    this.territories = await idsByName(manager, 'territories');
    const reps: RepRecord[] = await manager.query('SELECT id, name, email, team_id, territory_id, active FROM reps ORDER BY created_at, id');
    for (const rep of reps) this.index(rep);
  }

  private index(rep: RepRecord): void {
    this.byId.set(rep.id, rep);
    for (const [email, known] of this.byEmail) if (known.id === rep.id && email !== rep.email.toLowerCase()) this.byEmail.delete(email);
    this.byEmail.set(rep.email.toLowerCase(), rep);
    for (const [key, list] of this.byName) {
      const kept = list.filter((known) => known.id !== rep.id);
      if (kept.length !== list.length) this.byName.set(key, kept);
    }
    this.byName.set(nameKey(rep.name), [...(this.byName.get(nameKey(rep.name)) ?? []), rep]);
  }
}

// ---- accounts -------------------------------------------------------------------------------

/** Accounts by name key (unique in the table, so concurrent imports agree on them). */
export class AccountsWriter implements KindWriter<AccountImportRow> {
  private territories: Map<string, string> | null = null;

  constructor(private readonly job: Job) {}

  write(rows: AccountImportRow[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'> {
    return writeFresh(
      this.job,
      { rows, rejections, rowsRead, readAhead },
      (row, first) => `duplicate: the account "${row.name}" already appeared on line ${first}`,
      async (tx, outcome, fresh) => {
        this.territories ??= await idsByName(tx.manager, 'territories');
        const wanted: { row: AccountImportRow; territoryId: string | undefined }[] = [];
        for (const row of fresh) {
          const territoryId = row.territory === null ? undefined : this.territories.get(nameKey(row.territory));
          if (territoryId === undefined && row.territory !== null)
            reject(rejections, row, `territory: no territory named "${row.territory}" (create it in the admin area first)`);
          else wanted.push({ row, territoryId });
        }
        if (wanted.length === 0) return;
        // Sorted, like every insert of shared names here: concurrent imports wait for each other instead of deadlocking.
        wanted.sort((a, b) => (a.row.key < b.row.key ? -1 : 1));
        const existing: { name_key: string; territory_id: string | null }[] = await tx.manager.query(
          'SELECT name_key, territory_id FROM accounts WHERE name_key = ANY($1::text[]) FOR NO KEY UPDATE',
          [wanted.map((w) => w.row.key)],
        );
        const known = new Map(existing.map((a) => [a.name_key, a.territory_id]));
        const creates = wanted.filter((w) => !known.has(w.row.key));
        const updates = wanted.filter((w) => known.has(w.row.key) && w.territoryId !== undefined && known.get(w.row.key) !== w.territoryId);
        outcome.unchanged += wanted.length - creates.length - updates.length;
        if (creates.length) {
          const created: unknown[] = await tx.manager.query(
            `INSERT INTO accounts (name, name_key, territory_id) SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])
           ON CONFLICT (name_key) DO NOTHING RETURNING id`,
            [creates.map((c) => c.row.name), creates.map((c) => c.row.key), creates.map((c) => c.territoryId ?? null)],
          );
          outcome.created += created.length;
          outcome.accountsCreated += created.length;
          outcome.unchanged += creates.length - created.length;
        }
        if (updates.length) {
          await tx.manager.query(
            `UPDATE accounts a SET territory_id = v.territory_id FROM unnest($1::text[], $2::uuid[]) AS v(name_key, territory_id) WHERE a.name_key = v.name_key`,
            [updates.map((u) => u.row.key), updates.map((u) => u.territoryId)],
          );
          outcome.updated += updates.length;
        }
      },
    );
  }
}

// ---- products -------------------------------------------------------------------------------

interface ProductRecord {
  id: string;
  name: string;
  list_price: string;
  margin_pct: string | null;
}

/** Products by name key; a price or margin the file leaves empty stays as it is. */
export class ProductsWriter implements KindWriter<ProductImportRow> {
  private products: Map<string, ProductRecord> | null = null;

  constructor(private readonly job: Job) {}

  write(rows: ProductImportRow[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'> {
    return writeFresh(
      this.job,
      { rows, rejections, rowsRead, readAhead },
      (row, first) => `duplicate: the product "${row.name}" already appeared on line ${first}`,
      async (tx, outcome, fresh) => {
        if (!this.products) {
          const all: ProductRecord[] = await tx.manager.query('SELECT id, name, list_price::text, margin_pct::text FROM products ORDER BY created_at, id');
          this.products = new Map();
          for (const p of all) if (!this.products.has(nameKey(p.name))) this.products.set(nameKey(p.name), p);
        }
        const creates: ProductImportRow[] = [];
        const updates: ProductRecord[] = [];
        for (const row of fresh) {
          const found = this.products.get(row.key);
          if (!found) {
            creates.push(row);
            continue;
          }
          const next = { ...found, list_price: row.listPrice ?? found.list_price, margin_pct: row.marginPct ?? found.margin_pct };
          if (sameNumber(next.list_price, found.list_price) && sameNumber(next.margin_pct, found.margin_pct)) outcome.unchanged++;
          else updates.push(next);
        }
        if (creates.length) {
          const created: ProductRecord[] = await tx.manager.query(
            `INSERT INTO products (name, list_price, margin_pct) SELECT * FROM unnest($1::text[], $2::numeric[], $3::numeric[])
           ON CONFLICT (name) DO NOTHING RETURNING id, name, list_price::text, margin_pct::text`,
            [creates.map((c) => c.name), creates.map((c) => c.listPrice ?? '0'), creates.map((c) => c.marginPct)],
          );
          for (const p of created) this.products.set(nameKey(p.name), p);
          for (const p of created) tx.emit('org.changed', { entity: 'product', id: p.id, name: p.name });
          outcome.created += created.length;
          outcome.productsCreated += created.length;
          outcome.unchanged += creates.length - created.length;
        }
        if (updates.length) {
          await tx.manager.query(
            `UPDATE products p SET list_price = v.list_price, margin_pct = v.margin_pct
             FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS v(id, list_price, margin_pct) WHERE p.id = v.id`,
            [updates.map((u) => u.id), updates.map((u) => u.list_price), updates.map((u) => u.margin_pct)],
          );
          for (const p of updates) this.products.set(nameKey(p.name), p);
          for (const p of updates) tx.emit('org.changed', { entity: 'product', id: p.id, name: p.name });
          outcome.updated += updates.length;
        }
      },
    );
  }
}

// ---- exchange rates -------------------------------------------------------------------------

/**
 * Rates by currency and day, set as `PUT /api/exchange-rates` sets them. The figures rebuild once,
 * on the import's closing event (every import ends with one), not per row.
 */
export class ExchangeRatesWriter implements KindWriter<ExchangeRateImportRow> {
  constructor(
    private readonly job: Job,
    private readonly orgCurrency: string,
  ) {}

  write(rows: ExchangeRateImportRow[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'> {
    return writeFresh(
      this.job,
      { rows, rejections, rowsRead, readAhead },
      (row, first) => `duplicate: the ${row.currency} rate from ${row.validFrom} already appeared on line ${first}`,
      async (tx, outcome, fresh) => {
        const kept: ExchangeRateImportRow[] = [];
        for (const row of fresh) {
          if (row.currency === this.orgCurrency) reject(rejections, row, `currency: ${row.currency} is the organisation's currency; it always converts at 1`);
          else kept.push(row);
        }
        if (kept.length === 0) return;
        // One statement: which rows are new, which change a rate, which repeat one (numeric equality: "15800" = "15800.00").
        const counted: { created: number; updated: number }[] = await tx.manager.query(
          `WITH input AS (SELECT * FROM unnest($1::text[], $2::date[], $3::numeric[]) AS v(currency, valid_from, rate)),
              before AS (SELECT e.currency, e.valid_from, e.rate FROM exchange_rates e JOIN input i ON i.currency = e.currency AND i.valid_from = e.valid_from FOR UPDATE OF e),
              written AS (
                INSERT INTO exchange_rates (currency, valid_from, rate) SELECT currency, valid_from, rate FROM input
                ON CONFLICT (currency, valid_from) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now()
                WHERE exchange_rates.rate <> EXCLUDED.rate
                RETURNING currency, valid_from)
         SELECT (SELECT count(*)::int FROM written w WHERE NOT EXISTS (SELECT 1 FROM before b WHERE b.currency = w.currency AND b.valid_from = w.valid_from)) AS created,
                (SELECT count(*)::int FROM written w WHERE EXISTS (SELECT 1 FROM before b WHERE b.currency = w.currency AND b.valid_from = w.valid_from)) AS updated`,
          [kept.map((r) => r.currency), kept.map((r) => r.validFrom), kept.map((r) => r.rate)],
        );
        outcome.created += counted[0].created;
        outcome.updated += counted[0].updated;
        outcome.unchanged += kept.length - counted[0].created - counted[0].updated;
      },
    );
  }
}

// ---- activities -----------------------------------------------------------------------------

/** Activities by (source 'csv', external id); the rep as deals name theirs; the deal by its CRM id, else its name. */
export class ActivitiesWriter implements KindWriter<ActivityImportRow> {
  private readonly owners: OwnerResolver;
  private readonly idHeader: string | null;

  constructor(
    private readonly job: Job,
    settings: { createReps: boolean; defaultOwnerId: string | null; idHeader: string | null },
  ) {
    this.owners = new OwnerResolver(settings);
    this.idHeader = settings.idHeader;
  }

  /** A row is rejected before its rep is created, and a rejected row does not take its id from a later one. */
  write(rows: ActivityImportRow[], rejections: Rejection[], rowsRead: number, readAhead: () => void): Promise<BatchOutcome | 'stopped'> {
    return inJobBatch(this.job.writer, this.job.context, this.job.jobId, rowsRead, rejections, async (tx, outcome) => {
      if (rows.length === 0) return;
      const owners = await this.owners.find(tx.manager, rows);
      const deals = await this.deals(tx.manager, rows);
      const kept: { row: ActivityImportRow; dealId: string | null }[] = [];
      for (const row of rows) {
        const owner = owners.get(row) ?? { reason: 'owner: could not be resolved' };
        const deal = row.deal === null ? null : deals(row.deal);
        if ('reason' in owner) reject(rejections, row, owner.reason);
        else if (deal !== null && 'reason' in deal) reject(rejections, row, deal.reason);
        else kept.push({ row, dealId: deal?.id ?? null });
      }
      const fresh = new Set(
        await dropSeen(
          tx.manager,
          this.job.jobId,
          kept.map((k) => k.row),
          rejections,
          (row, first) =>
            this.idHeader
              ? `duplicate: ${this.idHeader} "${row.externalId}" already appeared on line ${first}`
              : `duplicate: the same type, rep, time, deal and note as line ${first} (map an id column to import both)`,
        ),
      );
      const unique = kept.filter((k) => fresh.has(k.row));
      const { answers, created } = await this.owners.create(
        tx,
        unique.map((k) => k.row),
        owners,
      );
      outcome.repsCreated += created;
      const writes: { row: ActivityImportRow; repId: string; dealId: string | null }[] = [];
      for (const { row, dealId } of unique) {
        const owner = answers.get(row) ?? { reason: 'owner: could not be resolved' };
        if ('reason' in owner) reject(rejections, row, owner.reason);
        else writes.push({ row, repId: owner.id, dealId });
      }
      if (writes.length === 0) return;
      writes.sort((a, b) => (a.row.externalId < b.row.externalId ? -1 : 1));
      readAhead();
      // One statement: new ones inserted, changed ones updated, identical ones untouched (and not returned).
      const written: { inserted: boolean }[] = await tx.manager.query(
        `INSERT INTO activities AS a (source, external_id, type, rep_id, deal_id, note, at)
         SELECT 'csv', * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[])
         ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO UPDATE
           SET type = EXCLUDED.type, rep_id = EXCLUDED.rep_id, deal_id = EXCLUDED.deal_id, note = EXCLUDED.note, at = EXCLUDED.at
           WHERE (a.type, a.rep_id, a.deal_id, a.note, a.at) IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.rep_id, EXCLUDED.deal_id, EXCLUDED.note, EXCLUDED.at)
         RETURNING (a.xmax = 0) AS inserted`,
        [
          writes.map((w) => w.row.externalId),
          writes.map((w) => w.row.type),
          writes.map((w) => w.repId),
          writes.map((w) => w.dealId),
          writes.map((w) => w.row.note),
          writes.map((w) => w.row.at.toISOString()),
        ],
      );
      const inserted = written.filter((w) => w.inserted).length;
      outcome.created += inserted;
      outcome.updated += written.length - inserted;
      outcome.unchanged += writes.length - written.length;
    });
  }

  /** The deals the batch names, found by external id (any source) first, then by name; ambiguity is a reason. */
  private async deals(manager: EntityManager, rows: ActivityImportRow[]): Promise<(text: string) => { id: string } | { reason: string }> {
    const texts = [...new Set(rows.map((r) => r.deal).filter((d): d is string => d !== null))];
    const found: { id: string; external_id: string | null; name_key: string }[] = texts.length
      ? await manager.query(
          `SELECT id, external_id, lower(regexp_replace(btrim(name), '\\s+', ' ', 'g')) AS name_key FROM deals
            WHERE external_id = ANY($1::text[]) OR lower(regexp_replace(btrim(name), '\\s+', ' ', 'g')) = ANY($2::text[])`,
          [texts, texts.map(nameKey)],
        )
      : [];
    const byId = new Map<string, string[]>();
    const byName = new Map<string, string[]>();
    for (const deal of found) {
      if (deal.external_id !== null) byId.set(deal.external_id, [...(byId.get(deal.external_id) ?? []), deal.id]);
      byName.set(deal.name_key, [...(byName.get(deal.name_key) ?? []), deal.id]);
    }
    return (text: string) => {
      const ids = byId.get(text) ?? byName.get(nameKey(text)) ?? [];
      if (ids.length === 1) return { id: ids[0] };
      return { reason: ids.length === 0 ? `deal: no deal with the id or name "${text}"` : `deal: ${ids.length} deals are named "${text}"; give the deal's id` };
    };
  }
}

/** Equal numeric texts ("12.5", "12.50"); null (an unknown margin) equals only null, not 0. */
function sameNumber(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : Number(a) === Number(b);
}
