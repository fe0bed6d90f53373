import { IMPORT_KIND_FIELDS, type ActivityType, type DateFormat, type ImportKind, type ImportMappingOf, type ImportPreview } from '@salesboard/shared';

/**
 * The mapping the page edits: every kind's options side by side, so switching the kind keeps what
 * was chosen. `mappingToSend` keeps only what the kind's schema accepts (the server's schemas are
 * strict: an option of another kind would be a 400).
 */
export interface EditableMapping {
  /** Our field → the file's header; null: left out, even when the server would guess it. */
  columns: Record<string, string | null>;
  /** Deals: the file's stage value → our stage key. */
  stages: Record<string, string>;
  /** Activities: the file's type value → our activity type. */
  types: Record<string, ActivityType>;
  dateFormat: 'auto' | DateFormat;
  currency?: string;
  createReps: boolean;
  createAccounts: boolean;
  createProducts: boolean;
  defaultOwnerId?: string;
}

export type MappingOption = Exclude<keyof EditableMapping, 'columns'>;

/** The options each kind's mapping schema takes, besides its columns. */
export const KIND_OPTIONS: Record<ImportKind, readonly MappingOption[]> = {
  deals: ['stages', 'dateFormat', 'currency', 'createReps', 'createAccounts', 'createProducts', 'defaultOwnerId'],
  reps: [],
  accounts: [],
  products: [],
  activities: ['types', 'dateFormat', 'createReps', 'defaultOwnerId'],
};

/** Fields whose empty cell rejects the row. */
export const REQUIRED_FIELDS: Partial<Record<ImportKind, readonly string[]>> = { deals: ['name'], accounts: ['name'], products: ['name'] };

export function fieldsOf(kind: ImportKind): readonly string[] {
  return IMPORT_KIND_FIELDS[kind];
}

/**
 * The mapping a fresh preview suggests: every field of the kind set to the server's guess (or
 * explicitly none), the stage and type values it recognised, and the server's defaults for the rest.
 */
export function mappingFromPreview(kind: ImportKind, preview: ImportPreview): EditableMapping {
  const guessed = preview.columns as Record<string, string | undefined>;
  return {
    columns: Object.fromEntries(fieldsOf(kind).map((field) => [field, guessed[field] ?? null])),
    stages: guessedValues(preview.stages.map(({ value, stage }) => ({ value, target: stage }))),
    types: guessedValues((preview.activityTypes ?? []).map(({ value, type }) => ({ value, target: type }))),
    dateFormat: 'auto',
    createReps: false,
    createAccounts: true,
    createProducts: false,
  };
}

function guessedValues<T extends string>(values: { value: string; target: T | null }[]): Record<string, T> {
  const map: Record<string, T> = {};
  for (const { value, target } of values) if (target !== null) map[value] = target;
  return map;
}

/**
 * After a new preview (another stage column, another file): the person's choices stay, the values
 * the new preview recognises are filled in, and values the file no longer has are dropped.
 */
export function mergePreview(mapping: EditableMapping, preview: ImportPreview): EditableMapping {
  const stages = guessedValues(preview.stages.map(({ value, stage }) => ({ value, target: stage })));
  for (const { value } of preview.stages) if (mapping.stages[value]) stages[value] = mapping.stages[value];
  const types = guessedValues((preview.activityTypes ?? []).map(({ value, type }) => ({ value, target: type })));
  for (const { value } of preview.activityTypes ?? []) if (mapping.types[value]) types[value] = mapping.types[value];
  return { ...mapping, stages, types };
}

/** Stage (deals) or type (activities) values of the file that go nowhere yet: their rows would be rejected. */
export function unmappedValues(kind: ImportKind, preview: ImportPreview, mapping: EditableMapping): string[] {
  if (kind === 'deals') return preview.stages.filter(({ value }) => !mapping.stages[value]).map(({ value }) => value);
  if (kind === 'activities') return (preview.activityTypes ?? []).filter(({ value }) => !mapping.types[value]).map(({ value }) => value);
  return [];
}

/** The `mapping` field for `kind`: its columns and options only, empty ones left out so the server's defaults apply. */
export function mappingToSend<K extends ImportKind>(kind: K, mapping: EditableMapping): ImportMappingOf<K> {
  const fields = new Set(fieldsOf(kind));
  const sent: Record<string, unknown> = { columns: Object.fromEntries(Object.entries(mapping.columns).filter(([field]) => fields.has(field))) };
  for (const option of KIND_OPTIONS[kind]) {
    const value = mapping[option];
    if (value !== undefined && value !== '') sent[option] = value;
  }
  return sent as ImportMappingOf<K>;
}
