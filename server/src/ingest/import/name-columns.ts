/**
 * The owner, account and product columns of a deals file: the caller's value mappings ("GTXPro"
 * → "GTX Pro", as stages are mapped), checked against what exists before a byte of the file is
 * read, and what each distinct value of the file names, with a suggestion for those that name
 * nothing (the preview).
 */
import type { EntityManager } from 'typeorm';
import type { ImportMappingOf, ImportNameColumn, ImportNameValue } from '@salesboard/shared';
import { IMPORT_NAME_COLUMNS } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { nameKey } from '../../org/org.entities.js';
import { didYouMean } from './name-matcher.js';
import { OwnerResolver } from './owner-resolver.js';
import { AccountNames, ProductNames, type RecordNames } from './record-names.js';
import { mappedName, type NameMaps, ownerRef } from './row-reader.js';
import { looseKey } from './values.js';

const WHAT: Record<ImportNameColumn, string> = { owners: 'rep', accounts: 'account', products: 'product' };

export class NameColumns {
  private readonly owners = new OwnerResolver({ createReps: false, defaultOwnerId: null });
  private readonly records: Record<Exclude<ImportNameColumn, 'owners'>, RecordNames> = { accounts: new AccountNames(), products: new ProductNames() };

  private constructor(
    private readonly manager: EntityManager,
    readonly maps: NameMaps,
  ) {}

  /** The mapping's value maps, each target checked: one that names nothing (or two reps) is a 400 naming it. */
  static async prepare(manager: EntityManager, mapping: ImportMappingOf<'deals'>): Promise<NameColumns> {
    const maps = Object.fromEntries(IMPORT_NAME_COLUMNS.map((column) => [column, new Map<string, string>()])) as NameMaps;
    const columns = new NameColumns(manager, maps);
    for (const column of IMPORT_NAME_COLUMNS) {
      for (const [value, target] of Object.entries(mapping[column] ?? {})) {
        const named = await columns.names(column, target);
        if ('reason' in named) throw badField(`mapping.${column}.${value}`, named.reason);
        maps[column].set(looseKey(value), target);
      }
    }
    return columns;
  }

  /** Each distinct value of a column as the import will read it: the record it names after the mapping, or the nearest one. */
  async describe(column: ImportNameColumn, values: { value: string; count: number }[]): Promise<ImportNameValue[]> {
    const described: ImportNameValue[] = [];
    for (const { value, count } of values) {
      const named = await this.names(column, mappedName(this.maps, column, value));
      described.push({ value, count, match: 'name' in named ? named.name : null, suggestion: 'suggestion' in named ? named.suggestion : null });
    }
    return described;
  }

  /** The existing record a text names (shown as the person importing would name it), or why it names none and the nearest one. */
  private async names(column: ImportNameColumn, text: string): Promise<{ name: string } | { reason: string; suggestion: string | null }> {
    if (column === 'owners') {
      await this.owners.load(this.manager);
      const ref = ownerRef(text);
      const found = this.owners.lookup(ref);
      if (found && 'id' in found) return { name: this.owners.shownAs(found.id) };
      if (found) return { reason: found.reason.replace(/^owner: /, ''), suggestion: null };
      const suggestion = this.owners.suggest(ref);
      return { reason: `no rep named "${text}"${didYouMean(suggestion)}`, suggestion };
    }
    const records = this.records[column];
    const found = (await records.find(this.manager, [text])).get(nameKey(text));
    if (found) return { name: found.name };
    const suggestion = await records.suggest(this.manager, text);
    return { reason: `no ${WHAT[column]} named "${text}"${didYouMean(suggestion)}`, suggestion };
  }
}
