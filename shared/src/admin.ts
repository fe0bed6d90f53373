/**
 * The admin area's contract (`/admin`): editing users, teams, reps, territories, stages and
 * boards, the territory overview shown while assigning reps, and the audit log's query. Every
 * change made through these routes is audited and announced live as `org.changed`.
 */
import { z } from 'zod';
import { FORECAST_CATEGORIES, STAGE_KINDS, type MoneyString } from './domain.js';
import { ROLES } from './auth.js';
import { avatarUrlSchema, idSchema, isoInstantSchema, nameSchema, stageKeySchema, textSchema } from './schemas.js';

/** A PATCH body must change something: `{}` is a 400, not a silent success. */
function somethingToChange(value: object): boolean {
  return Object.values(value).some((v) => v !== undefined);
}
const NOTHING_TO_CHANGE = { message: 'names no field to change' };

// ---- users ----------------------------------------------------------------------------------

/**
 * `PATCH /api/users/:id` (admin). Changing the role, deactivating or setting a password revokes
 * the user's refresh tokens and drops their live sockets at once. An admin cannot demote or
 * deactivate the last active admin (409).
 */
export const updateUserSchema = z
  .strictObject({
    name: nameSchema.optional(),
    role: z.enum(ROLES).optional(),
    /** The rep record a `rep` user's deals belong to. */
    repId: idSchema.nullish(),
    /** The teams a `manager` manages (replaces the list). */
    teamIds: z.array(idSchema).max(100).optional(),
    active: z.boolean().optional(),
    password: z.string().min(12, { message: 'must be at least 12 characters' }).max(1024).optional(),
  })
  .refine(somethingToChange, NOTHING_TO_CHANGE);
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

// ---- teams, territories, reps ---------------------------------------------------------------

/** `PATCH /api/teams/:id` (admin). `managerUserId` must be a user with the role `manager`. */
export const updateTeamSchema = z
  .strictObject({
    name: nameSchema.optional(),
    managerUserId: idSchema.nullish(),
  })
  .refine(somethingToChange, NOTHING_TO_CHANGE);
export type UpdateTeamInput = z.infer<typeof updateTeamSchema>;

/** `PATCH /api/territories/:id` (admin). */
export const updateTerritorySchema = z
  .strictObject({
    name: nameSchema.optional(),
    region: nameSchema.optional(),
  })
  .refine(somethingToChange, NOTHING_TO_CHANGE);
export type UpdateTerritoryInput = z.infer<typeof updateTerritorySchema>;

/**
 * `PATCH /api/reps/:id` (admin; a manager for reps of their teams, `territoryId` and `active`
 * only). Moving a rep to another team or territory moves their open deals with them; won and
 * lost deals keep the team they were won for, so last month's numbers do not change.
 */
export const updateRepSchema = z
  .strictObject({
    name: nameSchema.optional(),
    email: z.email({ message: 'must be an email address' }).max(320).optional(),
    teamId: idSchema.nullish(),
    territoryId: idSchema.nullish(),
    avatarUrl: avatarUrlSchema.nullish(),
    active: z.boolean().optional(),
  })
  .refine(somethingToChange, NOTHING_TO_CHANGE);
export type UpdateRepInput = z.infer<typeof updateRepSchema>;

/** A team as the admin area lists it (`GET /api/admin/teams`). */
export interface TeamAdmin {
  id: string;
  name: string;
  managerUserId: string | null;
  managerName: string | null;
  repCount: number;
}

/**
 * `GET /api/territories/overview?period=month` (admin, manager): what an admin needs in view
 * while assigning reps to territories. Money as decimal strings in the organisation's currency.
 */
export const territoryOverviewQuerySchema = z.strictObject({
  period: z.enum(['month', 'quarter', 'year']).optional(),
});
export type TerritoryOverviewQuery = z.infer<typeof territoryOverviewQuerySchema>;

export interface TerritoryOverview {
  id: string;
  name: string;
  region: string;
  reps: { id: string; name: string; teamId: string | null; active: boolean }[];
  accountCount: number;
  openDeals: number;
  openPipeline: MoneyString;
  /** Won in the period asked for. */
  won: MoneyString;
  /** Sum of the quotas of the territory's reps for the period; null when none is set. */
  quota: MoneyString | null;
  /** won ÷ quota, null without a quota. */
  attainment: number | null;
}

export interface TerritoryOverviewAnswer {
  period: 'month' | 'quarter' | 'year';
  from: string;
  to: string;
  currency: string;
  territories: TerritoryOverview[];
  /** Active reps with no territory: the ones still to assign. */
  unassignedReps: { id: string; name: string; teamId: string | null }[];
}

// ---- stages ---------------------------------------------------------------------------------

/** `POST /api/stages` (admin): a new stage, placed at `position` (default: before the closed ones). */
export const createStageSchema = z.strictObject({
  key: stageKeySchema,
  label: nameSchema,
  kind: z.enum(STAGE_KINDS),
  probability: z.number().int().min(0).max(100),
  forecastCategory: z.enum(FORECAST_CATEGORIES),
  stuckAfterDays: z.number().int().min(1).max(3650),
  position: z.number().int().min(0).optional(),
});
export type CreateStageInput = z.infer<typeof createStageSchema>;

/** `PATCH /api/stages/:key` (admin). A stage's key and kind do not change: deals and history refer to them. */
export const updateStageSchema = z
  .strictObject({
    label: nameSchema.optional(),
    probability: z.number().int().min(0).max(100).optional(),
    forecastCategory: z.enum(FORECAST_CATEGORIES).optional(),
    stuckAfterDays: z.number().int().min(1).max(3650).optional(),
  })
  .refine(somethingToChange, NOTHING_TO_CHANGE);
export type UpdateStageInput = z.infer<typeof updateStageSchema>;

/** `PUT /api/stages/order` (admin): every stage key exactly once, in the new order. */
export const stageOrderSchema = z.strictObject({
  keys: z.array(stageKeySchema).min(1).max(100),
});
export type StageOrderInput = z.infer<typeof stageOrderSchema>;

// `DELETE /api/stages/:key` (admin): 409 while any deal or stage history refers to it.
// `DELETE /api/boards/:id` (admin): displays paired to it fall back to the default board.

// ---- audit log ------------------------------------------------------------------------------

/** `GET /api/audit` (admin): newest first, paged by `before` (an entry's `at`). */
export const auditQuerySchema = z.strictObject({
  action: textSchema.trim().min(1).max(100).optional(),
  actorId: textSchema.trim().min(1).max(100).optional(),
  before: isoInstantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
