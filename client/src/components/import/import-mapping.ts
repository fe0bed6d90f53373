import {
  IMPORT_KIND_FIELDS,
  IMPORT_NAME_COLUMNS,
  type ActivityType,
  type DateFormat,
  type ImportKind,
  type ImportMappingOf,
  type ImportNameColumn,
  type ImportPreview,
} from '@salesboard/shared';

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
  /** Deals: the file's owner, account and product values → the existing rep (name or email), account or product they mean. */
  owners: Record<string, string>;
  accounts: Record<string, string>;
  products: Record<string, string>;
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
  deals: ['stages', 'owners', 'accounts', 'products', 'dateFormat', 'currency', 'createReps', 'createAccounts', 'createProducts', 'defaultOwnerId'],
  reps: [],
  accounts: [],
  products: [],
  activities: ['types', 'dateFormat', 'createReps', 'defaultOwnerId'],
  'exchange-rates': [],
};

/** Fields whose empty cell rejects the row. A deal without a name column is named from its account and product. */
export const REQUIRED_FIELDS: Partial<Record<ImportKind, readonly string[]>> = {
  accounts: ['name'],
  products: ['name'],
  'exchange-rates': ['currency', 'validFrom', 'rate'],
};

/** Which create option lets a name column's unknown values through: without it their rows are rejected. */
export const CREATE_OPTION: Record<ImportNameColumn, 'createReps' | 'createAccounts' | 'createProducts'> = {
  owners: 'createReps',
  accounts: 'createAccounts',
  products: 'createProducts',
};

export function fieldsOf(kind: ImportKind): readonly string[] {
  return IMPORT_KIND_FIELDS[kind];
}

/**
 * The mapping a fresh preview suggests: every field of the kind set to the server's guess (or
 * explicitly none), the stage and type values it recognised, and the server's defaults for the rest.
 * Names that match nothing are not mapped to the nearest one: a suggestion is offered, never applied.
 */
export function mappingFromPreview(kind: ImportKind, preview: ImportPreview): EditableMapping {
  const guessed = preview.columns as Record<string, string | undefined>;
  return {
    columns: Object.fromEntries(fieldsOf(kind).map((field) => [field, guessed[field] ?? null])),
    stages: guessedValues(preview.stages.map(({ value, stage }) => ({ value, target: stage }))),
    types: guessedValues((preview.activityTypes ?? []).map(({ value, type }) => ({ value, target: type }))),
    owners: {},
    accounts: {},
    products: {},
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
  const names = Object.fromEntries(
    IMPORT_NAME_COLUMNS.map((column) => {
      const kept = (namesOf(preview)[column] ?? []).filter(({ value }) => mapping[column][value]);
      return [column, Object.fromEntries(kept.map(({ value }) => [value, mapping[column][value]]))];
    }),
  ) as Pick<EditableMapping, ImportNameColumn>;
  return { ...mapping, stages, types, ...names };
}

/** The preview's name columns; empty for a server that sends none. */
export function namesOf(preview: ImportPreview): ImportPreview['names'] {
  return preview.names ?? { owners: [], accounts: [], products: [] };
}

/**
 * Values of the file that go nowhere yet, so their rows would be rejected: stage (deals) or type
 * (activities) values without a place, and owner, account and product names that name nothing,
 * are not mapped and would not be created.
 */
export function unmappedValues(kind: ImportKind, preview: ImportPreview, mapping: EditableMapping): string[] {
  if (kind === 'deals') {
    const stages = preview.stages.filter(({ value }) => !mapping.stages[value]).map(({ value }) => value);
    const names = IMPORT_NAME_COLUMNS.flatMap((column) => {
      if (mapping[CREATE_OPTION[column]]) return [];
      const unknown = namesOf(preview)[column].filter(({ value, match }) => match === null && !mapping[column][value]);
      return unknown.map(({ value }) => value);
    });
    return [...stages, ...names];
  }
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

/**
 * The `mapping` field of a preview: the import's, without the name mappings, so the preview says
 * what each name of the file matches as written (the page shows the person's mapping over it, and
 * a name they unmap again shows as unknown without asking the server).
 */
export function previewMappingToSend<K extends ImportKind>(kind: K, mapping: EditableMapping): ImportMappingOf<K> {
  return mappingToSend(kind, { ...mapping, owners: {}, accounts: {}, products: {} });
}
