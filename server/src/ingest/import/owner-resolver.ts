/**
 * Finds the rep a row names (by email, else by name, case- and space-insensitive), creating the
 * missing ones when the import allows. Deals and activities name their rep the same way.
 */
import { createHash } from 'node:crypto';
import { nameKey } from '../../org/org.entities.js';
import type { WriteTx } from '../../events/event-writer.service.js';
import type { OwnerRef } from './row-reader.js';

export type OwnerAnswer = { id: string } | { reason: string };

interface RepRow {
  id: string;
  name: string;
  email: string;
}

export class OwnerResolver {
  private repsByEmail: Map<string, string> | null = null;
  private readonly repsByName = new Map<string, string[]>();

  constructor(private readonly settings: { createReps: boolean; defaultOwnerId: string | null }) {}

  /** Each row's rep, or the reason it has none; `created` counts the reps made for the batch. */
  async resolve<R extends { owner: OwnerRef | null }>(tx: WriteTx, rows: R[]): Promise<{ answers: Map<R, OwnerAnswer>; created: number }> {
    if (!this.repsByEmail) {
      const reps: RepRow[] = await tx.manager.query('SELECT id, name, email FROM reps ORDER BY created_at, id');
      this.repsByEmail = new Map();
      for (const rep of reps) this.indexRep(rep);
    }
    const answers = new Map<R, OwnerAnswer>();
    const missing = new Map<string, OwnerRef>();
    for (const row of rows) {
      if (!row.owner) {
        const id = this.settings.defaultOwnerId;
        answers.set(row, id ? { id } : { reason: 'owner: is empty and no defaultOwnerId was given' });
        continue;
      }
      const found = this.findRep(row.owner);
      if (found) answers.set(row, found);
      else if (this.settings.createReps) {
        if (!missing.has(newRepEmail(row.owner))) missing.set(newRepEmail(row.owner), row.owner);
      } else answers.set(row, { reason: `owner: no rep named "${row.owner.text}" (set createReps to create reps)` });
    }
    if (missing.size === 0) return { answers, created: 0 };
    // Sorted, so concurrent imports creating the same reps wait for each other instead of deadlocking.
    const sorted = [...missing.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const emails = sorted.map(([email]) => email);
    const names = sorted.map(([, ref]) => ref.name ?? ref.email?.split('@')[0] ?? ref.text);
    const created: RepRow[] = await tx.manager.query(
      `INSERT INTO reps (name, email) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (email) DO NOTHING RETURNING id, name, email`,
      [names, emails],
    );
    // Those another import created meanwhile are found by their email.
    const all: RepRow[] = await tx.manager.query('SELECT id, name, email FROM reps WHERE email = ANY($1::text[])', [emails]);
    for (const rep of all) this.indexRep(rep);
    for (const rep of created) tx.emit('org.changed', { entity: 'rep', id: rep.id, name: rep.name });
    for (const row of rows) {
      if (answers.has(row) || !row.owner) continue;
      const id = this.repsByEmail?.get(newRepEmail(row.owner));
      answers.set(row, id ? { id } : { reason: `owner: could not create rep "${row.owner.text}"` });
    }
    return { answers, created: created.length };
  }

  private findRep(ref: OwnerRef): OwnerAnswer | null {
    const byEmail = ref.email ? this.repsByEmail?.get(ref.email) : undefined;
    if (byEmail) return { id: byEmail };
    const named = ref.name ? (this.repsByName.get(nameKey(ref.name)) ?? []) : [];
    if (named.length > 1) return { reason: `owner: ${named.length} reps are named "${ref.name}"; give their email instead` };
    return named.length === 1 ? { id: named[0] } : null;
  }

  private indexRep(rep: RepRow): void {
    this.repsByEmail?.set(rep.email.toLowerCase(), rep.id);
    const key = nameKey(rep.name);
    const ids = this.repsByName.get(key) ?? [];
    if (!ids.includes(rep.id)) ids.push(rep.id);
    this.repsByName.set(key, ids);
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
