/**
 * Leads through their life: the statuses a lead may move between, the queries and bodies of the
 * leads endpoints, and the history a lead keeps. The rules live here so the server enforces the
 * same transitions the dashboard offers.
 */
import { z } from 'zod';
import { type IsoInstant, LEAD_STATUSES, type LeadStatus } from './domain.js';
import { idSchema, moneySchema, nameSchema, stageKeySchema, textSchema } from './schemas.js';

/**
 * Where a lead may go from each status by POST /api/leads/:id/status. Converted is reached only
 * by POST /api/leads/:id/convert (it needs a deal) and is final: a lead converts once, so the
 * conversion KPI counted from the history never has to take a conversion back. A disqualified
 * lead may be reopened as new; it must be reopened before it can be converted.
 */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['contacted', 'qualified', 'disqualified'],
  contacted: ['qualified', 'disqualified'],
  qualified: ['contacted', 'disqualified'],
  disqualified: ['new'],
  converted: [],
};

/** The statuses from which POST /api/leads/:id/convert may turn a lead into a deal. */
export const CONVERTIBLE_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];

export function mayMoveLead(from: LeadStatus, to: LeadStatus): boolean {
  return LEAD_TRANSITIONS[from].includes(to);
}

/** An enum whose 400 names the value it got and the values it takes. */
function namedEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `${JSON.stringify(issue.input)} is not one of ${values.join(', ')}`),
  });
}

export const leadStatusSchema = namedEnum(LEAD_STATUSES);

/** GET /api/leads: newest first; a rep sees their own, a manager their teams'. */
export const leadsQuerySchema = z.strictObject({
  status: leadStatusSchema.optional(),
  source: nameSchema.optional(),
  ownerId: idSchema.optional(),
  teamId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type LeadsQuery = z.infer<typeof leadsQuerySchema>;

/** POST /api/leads/:id/status. `converted` is not accepted here: converting needs a deal (…/convert). */
export const changeLeadStatusSchema = z.strictObject({
  status: leadStatusSchema,
  note: textSchema.max(2000).nullish(),
});
export type ChangeLeadStatusInput = z.infer<typeof changeLeadStatusSchema>;

/** POST /api/leads/:id/convert: the deal made from the lead; its owner is the lead's rep unless the lead has none. */
export const convertLeadSchema = z.strictObject({
  dealName: nameSchema.optional(),
  amount: moneySchema,
  stage: stageKeySchema.optional(),
  productId: idSchema.nullish(),
  ownerId: idSchema.optional(),
  note: textSchema.max(2000).nullish(),
});
export type ConvertLeadInput = z.infer<typeof convertLeadSchema>;

/** One change of a lead's status, with who made it: the first entry is its creation (from null). */
export interface LeadStatusChange {
  id: string;
  leadId: string;
  from: LeadStatus | null;
  to: LeadStatus;
  note: string | null;
  /** The deal a conversion made. */
  dealId: string | null;
  at: IsoInstant;
  actor: { kind: string; id: string; name: string | null };
}

/** One row of GET /api/leads/by-source: leads created in the period from a source, and those of them converted. */
export interface LeadSourceRow {
  source: string;
  created: number;
  converted: number;
  /** converted ÷ created; null when none were created. */
  conversion: number | null;
}

export interface LeadsBySourceResponse {
  period: { from: string; to: string };
  rows: LeadSourceRow[];
}
