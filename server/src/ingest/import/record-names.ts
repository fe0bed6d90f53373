/**
 * The accounts and products a deals file names, found by name key (case and spacing aside) and,
 * when the import allows, created. Finding writes nothing: a batch first decides which rows it
 * keeps, then creates only what those rows need. A name that matches nothing gets the nearest
 * existing one as a suggestion.
 */
import type { EntityManager } from 'typeorm';
import type { WriteTx } from '../../events/event-writer.service.js';
import { nameKey } from '../../org/org.entities.js';
import { MATCHER_CANDIDATES, NameMatcher } from './name-matcher.js';

export interface NamedRecord {
  id: string;
  name: string;
}

/** Accounts or products, by name key. */
export interface RecordNames {
  /** The existing records among `names`, by name key. Writes nothing. */
  find(manager: EntityManager, names: string[]): Promise<Map<string, NamedRecord>>;
  /** Creates the records named (the first spelling of each key), answering how many were new; find() knows them after. */
  create(tx: WriteTx, names: string[]): Promise<number>;
  /** The nearest existing name to one that names none, or null. */
  suggest(manager: EntityManager, name: string): Promise<string | null>;
}

/** Account records by name key kept between batches; emptied when it would grow past this. */
const ACCOUNT_CACHE = 50_000;

/** The first spelling of each name key, sorted by key: concurrent imports inserting the same names wait for each other instead of deadlocking. */
function byKey(names: string[]): [string, string][] {
  const first = new Map<string, string>();
  for (const name of names) if (!first.has(nameKey(name))) first.set(nameKey(name), name);
  return [...first.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Accounts: many, so looked up per batch (accounts.name_key is unique, so concurrent imports agree), known ones cached. */
export class AccountNames implements RecordNames {
  private readonly cache = new Map<string, NamedRecord>();
  private matcher: NameMatcher<string> | null = null;

  async find(manager: EntityManager, names: string[]): Promise<Map<string, NamedRecord>> {
    const found = new Map<string, NamedRecord>();
    const wanted: string[] = [];
    for (const [key] of byKey(names)) {
      const cached = this.cache.get(key);
      if (cached) found.set(key, cached);
      else wanted.push(key);
    }
    if (wanted.length === 0) return found;
    const rows: { id: string; name: string; name_key: string }[] = await manager.query(
      'SELECT id, name, name_key FROM accounts WHERE name_key = ANY($1::text[])',
      [wanted],
    );
    if (this.cache.size + rows.length > ACCOUNT_CACHE) this.cache.clear();
    for (const row of rows) {
      found.set(row.name_key, { id: row.id, name: row.name });
      this.cache.set(row.name_key, { id: row.id, name: row.name });
    }
    return found;
  }

  async create(tx: WriteTx, names: string[]): Promise<number> {
    const sorted = byKey(names);
    if (sorted.length === 0) return 0;
    const created: unknown[] = await tx.manager.query(
      `INSERT INTO accounts (name, name_key) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (name_key) DO NOTHING RETURNING id`,
      [sorted.map(([, name]) => name), sorted.map(([key]) => key)],
    );
    return created.length;
  }

  async suggest(manager: EntityManager, name: string): Promise<string | null> {
    if (!this.matcher) {
      const all: { name: string }[] = await manager.query('SELECT name FROM accounts ORDER BY name_key LIMIT $1', [MATCHER_CANDIDATES]);
      this.matcher = new NameMatcher(all.map((a) => ({ name: a.name, target: a.name })));
    }
    return this.matcher.nearest(name)?.name ?? null;
  }
}

/** Products: few, so all of them are read once per import. */
export class ProductNames implements RecordNames {
  private all: Map<string, NamedRecord> | null = null;
  private matcher: NameMatcher<string> | null = null;

  private async load(manager: EntityManager): Promise<Map<string, NamedRecord>> {
    if (!this.all) {
      const rows: NamedRecord[] = await manager.query('SELECT id, name FROM products ORDER BY created_at, id');
      this.all = new Map();
      for (const p of rows) if (!this.all.has(nameKey(p.name))) this.all.set(nameKey(p.name), p);
    }
    return this.all;
  }

  async find(manager: EntityManager, names: string[]): Promise<Map<string, NamedRecord>> {
    const all = await this.load(manager);
    const found = new Map<string, NamedRecord>();
    for (const name of names) {
      const record = all.get(nameKey(name));
      if (record) found.set(nameKey(name), record);
    }
    return found;
  }

  async create(tx: WriteTx, names: string[]): Promise<number> {
    const all = await this.load(tx.manager);
    const wanted = byKey(names)
      .filter(([key]) => !all.has(key))
      .map(([, name]) => name);
    if (wanted.length === 0) return 0;
    const created: NamedRecord[] = await tx.manager.query(
      // Known by name alone: the margin is unknown (NULL), not 0 %, so return on sales leaves these deals out.
      `INSERT INTO products (name, list_price, margin_pct) SELECT name, 0, NULL FROM unnest($1::text[]) AS n(name)
       ON CONFLICT (name) DO NOTHING RETURNING id, name`,
      [wanted],
    );
    const found: NamedRecord[] = await tx.manager.query('SELECT id, name FROM products WHERE name = ANY($1::text[])', [wanted]);
    for (const p of found) all.set(nameKey(p.name), p);
    for (const p of created) tx.emit('org.changed', { entity: 'product', id: p.id, name: p.name });
    return created.length;
  }

  async suggest(manager: EntityManager, name: string): Promise<string | null> {
    if (!this.matcher) {
      const all = await this.load(manager);
      this.matcher = new NameMatcher([...all.values()].map((p) => ({ name: p.name, target: p.name })));
    }
    return this.matcher.nearest(name)?.name ?? null;
  }
}
