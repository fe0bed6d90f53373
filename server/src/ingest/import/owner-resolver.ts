/**
 * Finds the rep a row names (by email, else by name, case- and space-insensitive), and creates
 * the missing ones when the import allows. Deals and activities name their rep the same way.
 * Finding writes nothing: the batch first decides which rows it keeps, and only then creates the
 * reps those rows need, so a row rejected for another reason creates no rep.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { nameKey } from '../../org/org.entities.js';
import type { WriteTx } from '../../events/event-writer.service.js';
import { didYouMean, MATCHER_CANDIDATES, NameMatcher } from './name-matcher.js';
import type { OwnerRef } from './row-reader.js';

export type OwnerAnswer = { id: string } | { reason: string };
/** What a row's owner names before anything is written: a rep, a rep the import will create, or why neither. */
export type OwnerLookup = OwnerAnswer | { create: OwnerRef };

interface RepRow {
  id: string;
  name: string;
  email: string;
}

export class OwnerResolver {
  private loaded = false;
  private readonly byId = new Map<string, RepRow>();
  private readonly byEmail = new Map<string, string>();
  private readonly byName = new Map<string, string[]>();
  private matchers: { names: NameMatcher<string>; emails: NameMatcher<string> } | null = null;

  constructor(private readonly settings: { createReps: boolean; defaultOwnerId: string | null }) {}

  /** Reads the reps once per import; the ones it creates are added as they are. */
  async load(manager: EntityManager): Promise<void> {
    if (this.loaded) return;
    const reps: RepRow[] = await manager.query('SELECT id, name, email FROM reps ORDER BY created_at, id');
    for (const rep of reps) this.index(rep);
    this.loaded = true;
  }

  /** Each row's rep, the rep to create for it, or the reason it has none. Writes nothing. */
  async find<R extends { owner: OwnerRef | null }>(manager: EntityManager, rows: R[]): Promise<Map<R, OwnerLookup>> {
    await this.load(manager);
    const answers = new Map<R, OwnerLookup>();
    for (const row of rows) {
      if (!row.owner) {
        const id = this.settings.defaultOwnerId;
        answers.set(row, id ? { id } : { reason: 'owner: is empty and no defaultOwnerId was given' });
        continue;
      }
      const found = this.lookup(row.owner);
      if (found) answers.set(row, found);
      else if (this.settings.createReps) answers.set(row, { create: row.owner });
      else answers.set(row, { reason: `owner: no rep named "${row.owner.text}"${didYouMean(this.suggest(row.owner))} (set createReps to create reps)` });
    }
    return answers;
  }

  /**
   * Creates the reps the kept rows need (those whose lookup said `create`) and answers each
   * row's rep. Sorted, so concurrent imports creating the same reps wait for each other instead
   * of deadlocking; those another import created meanwhile are found by their email.
   */
  async create<R>(tx: WriteTx, rows: R[], lookups: Map<R, OwnerLookup>): Promise<{ answers: Map<R, OwnerAnswer>; created: number }> {
    const answers = new Map<R, OwnerAnswer>();
    const missing = new Map<string, OwnerRef>();
    for (const row of rows) {
      const lookup = lookups.get(row) ?? { reason: 'owner: could not be resolved' };
      if (!('create' in lookup)) answers.set(row, lookup);
      else if (!missing.has(newRepEmail(lookup.create))) missing.set(newRepEmail(lookup.create), lookup.create);
    }
    if (missing.size === 0) return { answers, created: 0 };
    const sorted = [...missing.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const emails = sorted.map(([email]) => email);
    const names = sorted.map(([, ref]) => ref.name ?? ref.email?.split('@')[0] ?? ref.text);
    const created: RepRow[] = await tx.manager.query(
      `INSERT INTO reps (name, email) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (email) DO NOTHING RETURNING id, name, email`,
      [names, emails],
    );
    const all: RepRow[] = await tx.manager.query('SELECT id, name, email FROM reps WHERE email = ANY($1::text[])', [emails]);
    for (const rep of all) this.index(rep);
    for (const rep of created) tx.emit('org.changed', { entity: 'rep', id: rep.id, name: rep.name });
    for (const row of rows) {
      const lookup = lookups.get(row);
      if (!lookup || !('create' in lookup)) continue;
      const id = this.byEmail.get(newRepEmail(lookup.create));
      answers.set(row, id ? { id } : { reason: `owner: could not create rep "${lookup.create.text}"` });
    }
    return { answers, created: created.length };
  }

  /** The rep a reference names, the reason it names several, or null for none (after `load`). */
  lookup(ref: OwnerRef): OwnerAnswer | null {
    const byEmail = ref.email ? this.byEmail.get(ref.email) : undefined;
    if (byEmail) return { id: byEmail };
    const named = ref.name ? (this.byName.get(nameKey(ref.name)) ?? []) : [];
    if (named.length > 1) return { reason: `owner: ${named.length} reps are named "${ref.name}"; give their email instead` };
    return named.length === 1 ? { id: named[0] } : null;
  }

  /** How a rep is shown to the person importing: their name, or their email when another rep has the same name. */
  shownAs(id: string): string {
    const rep = this.byId.get(id);
    if (!rep) return id;
    return (this.byName.get(nameKey(rep.name)) ?? []).length > 1 ? rep.email : rep.name;
  }

  /** The nearest existing rep to a reference that names none, as it would be written to name them. */
  suggest(ref: OwnerRef): string | null {
    this.matchers ??= {
      names: new NameMatcher([...this.byId.values()].slice(0, MATCHER_CANDIDATES).map((rep) => ({ name: rep.name, target: rep.id }))),
      emails: new NameMatcher([...this.byId.values()].slice(0, MATCHER_CANDIDATES).map((rep) => ({ name: rep.email, target: rep.id }))),
    };
    const match = ref.name ? this.matchers.names.nearest(ref.name) : ref.email ? this.matchers.emails.nearest(ref.email) : null;
    return match ? (ref.name ? this.shownAs(match.target) : (this.byId.get(match.target)?.email ?? null)) : null;
  }

  private index(rep: RepRow): void {
    this.byId.set(rep.id, rep);
    this.byEmail.set(rep.email.toLowerCase(), rep.id);
    const key = nameKey(rep.name);
    const ids = this.byName.get(key) ?? [];
    if (!ids.includes(rep.id)) ids.push(rep.id);
    this.byName.set(key, ids);
    this.matchers = null;
  }
}

/** The email a rep created for this owner gets: theirs when the file gives it. */
function newRepEmail(ref: OwnerRef): string {
  return ref.email ?? syntheticEmail(ref.name ?? ref.text);
}

/**
 * A rep created from a name alone still needs a unique email: a reserved `.invalid` address
 * derived from the name, so the same name always finds the same rep again.
 */
export function syntheticEmail(name: string): string {
  const key = nameKey(name);
  const slug =
    key
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '')
      .slice(0, 40) || 'rep';
  return `${slug}.${createHash('sha256').update(key).digest('hex').slice(0, 6)}@imported.invalid`;
}
