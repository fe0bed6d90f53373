/**
 * Ingest: CSV import of deals, CRM webhooks (HubSpot, Pipedrive) and exports. The shapes the
 * admin UI sends and reads, the webhook payloads as the CRMs send them, and the event types
 * an import and a CRM deletion add to the log.
 */
import { z } from 'zod';
import { ACTIVITY_TYPES, type ActivityType, type Deal } from './domain.js';
import { INSTANT_RANGE } from './date-range.js';
import { currencySchema, dealsQuerySchema, idSchema, stageKeySchema, textSchema } from './schemas.js';

// ---- CSV import ---------------------------------------------------------------------------

/** The deal fields a CSV column can fill. `status` is a CRM's open/won/lost, which overrides the stage. */
export const IMPORT_FIELDS = ['externalId', 'name', 'stage', 'status', 'amount', 'currency', 'closeDate', 'createdAt', 'owner', 'account', 'product'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** How `3/4/2026` is read: ISO dates (2026-04-03) are always understood. */
export const DATE_FORMATS = ['iso', 'mdy', 'dmy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const headerSchema = textSchema.trim().min(1, { message: 'must not be empty' }).max(200);
/** A rep's email or name, an account's or a product's name. */
const referenceSchema = textSchema.trim().min(1, { message: 'must not be empty' }).max(320);

/**
 * The `mapping` form field of `POST /api/import/deals` and `/api/import/preview`, as JSON.
 * Everything is optional: what is left out is guessed from the file's header names and values.
 */
export const importMappingSchema = z.strictObject({
  /** Our field → the file's header. `null` leaves a guessed column out. */
  columns: z.partialRecord(z.enum(IMPORT_FIELDS), headerSchema.nullable()).optional(),
  /** The file's stage value → our stage key, matched case- and space-insensitively. */
  stages: z.record(headerSchema, stageKeySchema).optional(),
  /**
   * The file's values of the owner, account and product columns → the existing rep (their email
   * or name), account or product they mean, matched as stages are: "GTXPro" → "GTX Pro". A target
   * that names nothing is a 400; a value left out is read as written.
   */
  owners: z.record(headerSchema, referenceSchema).optional(),
  accounts: z.record(headerSchema, referenceSchema).optional(),
  products: z.record(headerSchema, referenceSchema).optional(),
  /** How slashed dates are read; `auto` (the default) decides from the file's first rows. */
  dateFormat: z.enum(['auto', ...DATE_FORMATS]).optional(),
  /** The currency of amounts when the file has no currency column; default: the organisation's. */
  currency: currencySchema.optional(),
  /** Create the reps, accounts and products the file names that do not exist yet (default: accounts only). */
  createReps: z.boolean().optional(),
  createAccounts: z.boolean().optional(),
  createProducts: z.boolean().optional(),
  /** Owner of rows whose owner cell is empty, or of every row when the file has no owner column. */
  defaultOwnerId: idSchema.optional(),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;

/** What a file can hold: each kind has its own route, `POST /api/import/<kind>`, and its own fields. */
export const IMPORT_KINDS = ['deals', 'reps', 'accounts', 'products', 'activities', 'exchange-rates'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * The fields a column can fill, per kind. Reps are matched by email, else by name; accounts and
 * products by name (case- and space-insensitive); activities by their id column, else by their
 * content. `firstName`/`lastName` serve exports that split a person's name (HubSpot, Salesforce);
 * `unitCost` gives a product's margin when the file has no margin column.
 */
export const IMPORT_KIND_FIELDS = {
  deals: IMPORT_FIELDS,
  reps: ['name', 'firstName', 'lastName', 'email', 'team', 'territory', 'active'],
  accounts: ['name', 'territory'],
  products: ['name', 'listPrice', 'marginPct', 'unitCost'],
  activities: ['externalId', 'type', 'subject', 'at', 'owner', 'deal', 'note', 'outcome', 'done'],
  'exchange-rates': ['currency', 'validFrom', 'rate'],
} as const satisfies Record<ImportKind, readonly string[]>;
export type ImportKindField<K extends ImportKind = ImportKind> = (typeof IMPORT_KIND_FIELDS)[K][number];

/** Our field → the file's header, as used (after guessing). */
export type ImportColumns = Partial<Record<ImportKindField, string>>;

const columnsOf = <K extends ImportKind>(kind: K) =>
  z.partialRecord(z.enum(IMPORT_KIND_FIELDS[kind] as unknown as [ImportKindField<K>, ...ImportKindField<K>[]]), headerSchema.nullable()).optional();

/** `mapping` of `POST /api/import/reps`: reps name a team and a territory that exist already. */
export const repsImportMappingSchema = z.strictObject({ columns: columnsOf('reps') });
/** `mapping` of `POST /api/import/accounts`. */
export const accountsImportMappingSchema = z.strictObject({ columns: columnsOf('accounts') });
/** `mapping` of `POST /api/import/products`: prices in the organisation's currency. */
export const productsImportMappingSchema = z.strictObject({ columns: columnsOf('products') });
/** `mapping` of `POST /api/import/activities`. */
export const activitiesImportMappingSchema = z.strictObject({
  columns: columnsOf('activities'),
  /** The file's activity type (HubSpot "CALL", Pipedrive "lunch", Salesforce "Send Letter") → ours, case- and space-insensitively. */
  types: z.record(headerSchema, z.enum(ACTIVITY_TYPES)).optional(),
  dateFormat: z.enum(['auto', ...DATE_FORMATS]).optional(),
  /** Create the reps the file names that do not exist yet (default: no). */
  createReps: z.boolean().optional(),
  /** Rep of rows whose owner cell is empty, or of every row when the file has no owner column. */
  defaultOwnerId: idSchema.optional(),
});

/** `mapping` of `POST /api/import/exchange-rates` (admin): a rate per currency and day, as `PUT /api/exchange-rates` takes it. */
export const exchangeRatesImportMappingSchema = z.strictObject({ columns: columnsOf('exchange-rates') });

/** The `mapping` schema of each kind; deals keep the mapping they always had. */
export const IMPORT_MAPPING_SCHEMAS = {
  deals: importMappingSchema,
  reps: repsImportMappingSchema,
  accounts: accountsImportMappingSchema,
  products: productsImportMappingSchema,
  activities: activitiesImportMappingSchema,
  'exchange-rates': exchangeRatesImportMappingSchema,
} as const;
export type ImportMappingOf<K extends ImportKind> = z.infer<(typeof IMPORT_MAPPING_SCHEMAS)[K]>;

export type ImportJobStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** An import as `GET /api/import/jobs/:id` shows it, while it runs and after. */
export interface ImportJob {
  id: string;
  /** What the file held: deals, reps, accounts, products, activities or exchange rates. */
  kind: ImportKind;
  status: ImportJobStatus;
  fileName: string | null;
  delimiter: string;
  dateFormat: DateFormat;
  columns: ImportColumns;
  /** Data rows read so far (the header and blank lines not counted). */
  rowsRead: number;
  /** Records (of the job's kind) created plus updated. */
  written: number;
  created: number;
  updated: number;
  /** Rows whose deal already had exactly these values: a repeated import. */
  unchanged: number;
  rejected: number;
  repsCreated: number;
  accountsCreated: number;
  productsCreated: number;
  warnings: string[];
  /** Why a failed import stopped. */
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Where the rejected rows can be downloaded, each with its line number and reason. */
  rejectedCsvUrl: string;
}

/** The deal columns that name a record of ours, each with its value mapping of the same name in the mapping. */
export const IMPORT_NAME_COLUMNS = ['owners', 'accounts', 'products'] as const;
export type ImportNameColumn = (typeof IMPORT_NAME_COLUMNS)[number];

/** A distinct value of a name column as the import will read it. */
export interface ImportNameValue {
  value: string;
  count: number;
  /** The existing record it names (a rep's name, or their email when two reps share it), after the mapping; null: none. */
  match: string | null;
  /** When it names none: the nearest existing name (case, spaces and punctuation aside, then a few typos), or null. */
  suggestion: string | null;
}

/** What `POST /api/import/preview` answers: enough for the admin UI to confirm a mapping. */
export interface ImportPreview {
  kind: ImportKind;
  fileName: string | null;
  delimiter: string;
  headers: string[];
  /** The first 10 data rows, cells as read. */
  rows: string[][];
  /** Data rows in the whole file. */
  rowCount: number;
  columns: ImportColumns;
  unmappedHeaders: string[];
  dateFormat: DateFormat;
  /**
   * The distinct values of the stage column, most frequent first, with the stage each would go
   * to, and for one that goes nowhere the nearest stage key (a suggestion, not applied).
   */
  stages: { value: string; count: number; stage: string | null; suggestion: string | null }[];
  /** Deals only (else empty): the distinct values of the owner, account and product columns. */
  names: Record<ImportNameColumn, ImportNameValue[]>;
  /** Activities only (else empty): the distinct values of the type column and the type each would be. */
  activityTypes: { value: string; count: number; type: ActivityType | null }[];
}

// ---- CRM webhooks -------------------------------------------------------------------------

/** CRM ids come as numbers or strings; we keep them as strings. */
const crmIdSchema = z
  .union([textSchema.trim().min(1).max(100), z.number().int().nonnegative()], {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be an id (a string or a whole number)'),
  })
  .transform(String);

const HUBSPOT_CLOCK_SKEW_MS = 86_400_000;

/** One event of a HubSpot webhook delivery (webhooks API v3: a JSON array of these). */
export const hubspotEventSchema = z.looseObject({
  eventId: crmIdSchema,
  subscriptionType: textSchema.min(1).max(100),
  objectId: crmIdSchema,
  /** Epoch ms. HubSpot retries for a day at most, so later than a day ahead is a broken clock or a forgery, not a change to keep. */
  occurredAt: z
    .number()
    .int()
    .min(INSTANT_RANGE.earliestMs, { message: 'must be epoch milliseconds from 1970 on' })
    .refine((at) => at <= Date.now() + HUBSPOT_CLOCK_SKEW_MS, { message: 'is more than a day in the future' }),
  portalId: z.number().int().optional(),
  /** Generic webhooks (`object.*`) name the object type: '0-3' is a deal. */
  objectTypeId: textSchema.max(50).optional(),
  propertyName: textSchema.max(200).optional(),
  propertyValue: z
    .union([textSchema, z.number(), z.boolean()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? null : String(v))),
  changeFlag: z.string().optional(),
  changeSource: z.string().optional(),
  attemptNumber: z.number().int().optional(),
});
export type HubspotEvent = z.infer<typeof hubspotEventSchema>;

export const hubspotWebhookSchema = z.array(hubspotEventSchema).min(1, { message: 'must hold at least one event' }).max(1000);

/** A Pipedrive webhooks v2 delivery: `meta` says what happened, `data` is the object now, `previous` what changed. */
export const pipedriveWebhookSchema = z.looseObject({
  meta: z.looseObject({
    /** The delivery's id: a retry carries the same one. */
    id: crmIdSchema,
    action: textSchema.min(1).max(50),
    entity: textSchema.min(1).max(50),
    entity_id: crmIdSchema.optional(),
    version: z.string().max(20).optional(),
    timestamp: z.union([z.string(), z.number()]).optional(),
    attempt: z.number().int().optional(),
  }),
  data: z.record(z.string(), z.unknown()).nullish(),
  previous: z.record(z.string(), z.unknown()).nullish(),
});
export type PipedriveWebhook = z.infer<typeof pipedriveWebhookSchema>;

const moneyValueSchema = z.union([z.number(), z.string()]).nullish();

/** The deal in a Pipedrive delivery's `data`, as far as Salesboard reads it. */
export const pipedriveDealSchema = z.looseObject({
  id: crmIdSchema,
  title: textSchema.max(500).nullish(),
  value: moneyValueSchema,
  currency: textSchema.max(10).nullish(),
  status: z.enum(['open', 'won', 'lost', 'deleted']).nullish(),
  stage_id: crmIdSchema.nullish(),
  pipeline_id: crmIdSchema.nullish(),
  owner_id: crmIdSchema.nullish(),
  expected_close_date: textSchema.max(40).nullish(),
  /** Not in v2 payloads, but sent by v1 and by relays that enrich them: used to find the owner. */
  owner_email: textSchema.max(320).nullish(),
  owner_name: textSchema.max(200).nullish(),
});
export type PipedriveDeal = z.infer<typeof pipedriveDealSchema>;

export const CRM_PROVIDERS = ['hubspot', 'pipedrive'] as const;
export type CrmProvider = (typeof CRM_PROVIDERS)[number];

/** `PUT /api/webhooks/{hubspot|pipedrive}/stage-map`: replaces the whole map. */
export const crmStageMapSchema = z.strictObject({
  /** The CRM's stage id (HubSpot 'closedwon', Pipedrive 3) → our stage key. */
  stages: z.record(textSchema.trim().min(1).max(100), stageKeySchema),
  /** Owner of deals whose CRM owner matches no rep; null: the first active rep. */
  defaultOwnerId: idSchema.nullish(),
});
export type CrmStageMapInput = z.infer<typeof crmStageMapSchema>;

export interface CrmStageMap {
  provider: CrmProvider;
  stages: Record<string, string>;
  defaultOwnerId: string | null;
}

/**
 * `PUT /api/webhooks/{hubspot|pipedrive}/owner-map`: replaces the whole map. A CRM names a deal's
 * owner by its own user id (HubSpot `hubspot_owner_id`, Pipedrive `owner_id`/`user_id`); this says
 * which rep each one is. An owner id not in the map leaves the deal's owner as it is.
 */
export const crmOwnerMapSchema = z.strictObject({
  owners: z.record(textSchema.trim().min(1).max(100), idSchema),
});
export type CrmOwnerMapInput = z.infer<typeof crmOwnerMapSchema>;

export interface CrmOwnerMap {
  provider: CrmProvider;
  /** The CRM's owner id → our rep id. */
  owners: Record<string, string>;
}

/**
 * What a webhook delivery did, per event. `ignored` counts events about other objects or
 * properties Salesboard does not keep, owners not in the owner map, and changes older than the
 * last one applied to that property of that deal (a CRM's retry arriving late).
 */
export interface WebhookResult {
  received: number;
  applied: number;
  duplicates: number;
  ignored: number;
}

// ---- exports ------------------------------------------------------------------------------

/** `GET /api/export/deals.csv`: the filters of `GET /api/deals`, without paging. */
export const exportDealsQuerySchema = dealsQuerySchema.omit({ limit: true, offset: true });
export type ExportDealsQuery = z.infer<typeof exportDealsQuerySchema>;

// ---- events -------------------------------------------------------------------------------

/**
 * Logged event types that ingest adds. They belong in LOGGED_EVENT_TYPES and
 * LoggedEventPayloads of events.ts; until then the server writes a placeholder.
 */
export const INGEST_LOGGED_EVENT_TYPES = ['deals.imported', 'deal.deleted'] as const;

/**
 * One per import that changed something: views refetch once instead of applying 100k events.
 * Named for deals, it stands for every kind: `kind` says what the file held (absent: deals).
 */
export interface DealsImportedPayload {
  jobId: string;
  kind?: ImportKind;
  created: number;
  updated: number;
  rejected: number;
}

/** A deal deleted in its CRM, as it was before: views subtract it. */
export interface DealDeletedPayload {
  deal: Deal;
}

export interface IngestLoggedEventPayloads {
  'deals.imported': DealsImportedPayload;
  'deal.deleted': DealDeletedPayload;
}
