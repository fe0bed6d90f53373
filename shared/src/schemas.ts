/**
 * zod schemas for every request body and query the API accepts. The server validates with
 * them (400 naming the field) and the OpenAPI document is generated from them; the client
 * types its calls with the inferred types. `.strict()` so a misspelt field is named, not ignored.
 */
import { z } from 'zod';
import { ACTIVITY_TYPES, DEAL_SOURCES, FORECAST_CATEGORIES, LEAD_STATUSES, QUOTA_PERIODS } from './domain.js';
import { DATE_RANGE_MESSAGE, isDateInRange, isInstantInRange } from './date-range.js';
import { isMoneyString, MAX_AMOUNT, MAX_AMOUNT_MINOR, normalizeMoney, toMinor } from './money.js';

export const idSchema = z.uuid({ message: 'must be a UUID' });

/** An amount as a JSON number or a decimal string, at most two decimals, never negative, at most MAX_AMOUNT. */
export const moneySchema = z
  .union([z.number(), z.string()])
  .refine((v) => (typeof v === 'number' ? Number.isFinite(v) && isMoneyString(String(v)) : isMoneyString(v.trim())), {
    message: 'must be an amount with at most 2 decimals, like 1500000 or "1500000.50"',
  })
  .transform((v) => normalizeMoney(v))
  .refine((v) => !v.startsWith('-'), { message: 'must not be negative' })
  .refine((v) => toMinor(v) <= MAX_AMOUNT_MINOR, { message: `must be at most ${MAX_AMOUNT}` });

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code like IDR' });

/** The range is checked only on a well-formed value: "yesterday" is told its format, not also its range. */
const inDateRange = { message: DATE_RANGE_MESSAGE, when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/** A real calendar day (2026-02-30 is refused, not rolled into March) inside DATE_RANGE. */
export const isoDateSchema = z.iso.date({ message: 'must be a date like 2026-11-30' }).refine(isDateInRange, inDateRange);
export const isoInstantSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 instant' })
  .refine((v) => isInstantInRange(Date.parse(v)), inDateRange);

/**
 * Any text a request carries: PostgreSQL's text and jsonb cannot hold U+0000, so it is refused
 * here with the field's name rather than by the database with a 500. Chain trim/min/max on it.
 */
export const textSchema = z.string().refine((v) => !v.includes('\u0000'), { message: 'must not contain the NUL character (\\u0000)' });
export const nameSchema = textSchema.trim().min(1, { message: 'must not be empty' }).max(200);

/** A picture a browser may load as it is: https, or an image inlined as data. Never javascript:, http: or data:text/html. */
export const avatarUrlSchema = z
  .url()
  .max(2000)
  .refine((v) => /^https:\/\//i.test(v) || /^data:image\//i.test(v), { message: 'must be an https: or data:image/ URL' });

export const createTeamSchema = z.strictObject({
  name: nameSchema,
  managerName: nameSchema.nullish(),
});
export type CreateTeamInput = z.infer<typeof createTeamSchema>;

export const createTerritorySchema = z.strictObject({
  name: nameSchema,
  region: nameSchema,
});
export type CreateTerritoryInput = z.infer<typeof createTerritorySchema>;

export const createRepSchema = z.strictObject({
  name: nameSchema,
  email: z.email({ message: 'must be an email address' }).max(320),
  teamId: idSchema.nullish(),
  territoryId: idSchema.nullish(),
  avatarUrl: avatarUrlSchema.nullish(),
  active: z.boolean().optional(),
});
export type CreateRepInput = z.infer<typeof createRepSchema>;

export const createAccountSchema = z.strictObject({
  name: nameSchema,
  territoryId: idSchema.nullish(),
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export const createProductSchema = z.strictObject({
  name: nameSchema,
  listPrice: moneySchema,
  /** Left out or null: unknown, which return on sales does not count as 0 %. */
  marginPct: z.number().min(0).max(100).nullish(),
});
export type CreateProductInput = z.infer<typeof createProductSchema>;

export const stageKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'must be a stage key like "proposal"' });

export const createDealSchema = z.strictObject({
  name: nameSchema,
  ownerId: idSchema,
  amount: moneySchema,
  currency: currencySchema.optional(),
  stage: stageKeySchema.optional(),
  accountId: idSchema.nullish(),
  productId: idSchema.nullish(),
  expectedCloseDate: isoDateSchema.nullish(),
  forecastOverride: z.enum(FORECAST_CATEGORIES).nullish(),
  source: z.enum(DEAL_SOURCES).optional(),
  externalId: textSchema.min(1).max(200).nullish(),
});
export type CreateDealInput = z.infer<typeof createDealSchema>;

export const updateDealSchema = z
  .strictObject({
    name: nameSchema.optional(),
    ownerId: idSchema.optional(),
    amount: moneySchema.optional(),
    currency: currencySchema.optional(),
    accountId: idSchema.nullish(),
    productId: idSchema.nullish(),
    expectedCloseDate: isoDateSchema.nullish(),
    forecastOverride: z.enum(FORECAST_CATEGORIES).nullish(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'must change at least one field' });
export type UpdateDealInput = z.infer<typeof updateDealSchema>;

export const changeStageSchema = z.strictObject({
  stage: stageKeySchema,
  /** Moving a won or lost deal back into the pipeline must be said explicitly. */
  reopen: z.boolean().optional(),
});
export type ChangeStageInput = z.infer<typeof changeStageSchema>;

export const logActivitySchema = z.strictObject({
  type: z.enum(ACTIVITY_TYPES),
  repId: idSchema,
  dealId: idSchema.nullish(),
  note: textSchema.max(2000).nullish(),
  at: isoInstantSchema.optional(),
});
export type LogActivityInput = z.infer<typeof logActivitySchema>;

export const createLeadSchema = z.strictObject({
  source: nameSchema,
  status: z.enum(LEAD_STATUSES).optional(),
  repId: idSchema.nullish(),
  convertedDealId: idSchema.nullish(),
});
export type CreateLeadInput = z.infer<typeof createLeadSchema>;

export const putQuotaSchema = z
  .strictObject({
    repId: idSchema.optional(),
    teamId: idSchema.optional(),
    period: z.enum(QUOTA_PERIODS),
    periodStart: isoDateSchema,
    amount: moneySchema,
  })
  .refine((q) => (q.repId === undefined) !== (q.teamId === undefined), {
    message: 'exactly one of repId and teamId must be given',
    path: ['repId'],
  })
  .refine((q) => periodStartIsAligned(q.period, q.periodStart), {
    message: 'must be the first day of the month or quarter',
    path: ['periodStart'],
  });
export type PutQuotaInput = z.infer<typeof putQuotaSchema>;

function periodStartIsAligned(period: 'month' | 'quarter', date: string): boolean {
  const [, month, day] = date.split('-').map(Number);
  if (day !== 1) return false;
  return period === 'month' || (month - 1) % 3 === 0;
}

export const dealsQuerySchema = z.strictObject({
  stage: stageKeySchema.optional(),
  repId: idSchema.optional(),
  teamId: idSchema.optional(),
  territoryId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type DealsQuery = z.infer<typeof dealsQuerySchema>;
