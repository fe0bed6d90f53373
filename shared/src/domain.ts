/**
 * The domain as it crosses the wire. Money is a decimal string in major units with two
 * decimals ("1500000.00"): exact in JSON, readable by people. Arithmetic happens on integer
 * minor units (see money.ts), never on floats that drift.
 */

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'demo'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'disqualified'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const QUOTA_PERIODS = ['month', 'quarter'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

export const DEAL_SOURCES = ['ui', 'api', 'csv', 'hubspot', 'pipedrive', 'simulator', 'demo'] as const;
export type DealSource = (typeof DEAL_SOURCES)[number];

/** A decimal string in major units, two decimals: "1500000.00". */
export type MoneyString = string;
/** An ISO-8601 instant: "2026-11-28T16:59:00.000Z". */
export type IsoInstant = string;
/** A calendar date: "2026-11-30". */
export type IsoDate = string;

export interface Team {
  id: string;
  name: string;
  managerName: string | null;
}

export interface Territory {
  id: string;
  name: string;
  region: string;
}

export interface Rep {
  id: string;
  name: string;
  email: string;
  teamId: string | null;
  territoryId: string | null;
  avatarUrl: string | null;
  active: boolean;
}

export interface Account {
  id: string;
  name: string;
  territoryId: string | null;
}

export interface Product {
  id: string;
  name: string;
  listPrice: MoneyString;
  /** Margin in percent, 0–100, two decimals; null when unknown (return on sales leaves its deals out). */
  marginPct: string | null;
}

export interface Stage {
  key: string;
  label: string;
  position: number;
  /** Default win probability, 0–100. */
  probability: number;
  forecastCategory: ForecastCategory;
  kind: StageKind;
  /** Days in this stage after which an open deal counts as stuck. */
  stuckAfterDays: number;
}

export interface Deal {
  id: string;
  source: DealSource;
  externalId: string | null;
  name: string;
  accountId: string | null;
  accountName: string | null;
  productId: string | null;
  ownerId: string;
  ownerName: string;
  teamId: string | null;
  territoryId: string | null;
  amount: MoneyString;
  currency: string;
  /** `amount` in the organisation's currency at the rate of its close day (today while open); null without a rate. */
  amountInOrgCurrency: MoneyString | null;
  stage: string;
  /** The effective category: the override when set, else the stage's. */
  forecastCategory: ForecastCategory;
  forecastOverride: ForecastCategory | null;
  createdAt: IsoInstant;
  expectedCloseDate: IsoDate | null;
  closedAt: IsoInstant | null;
  stageEnteredAt: IsoInstant;
  updatedAt: IsoInstant;
}

export interface StageChange {
  id: string;
  dealId: string;
  fromStage: string | null;
  toStage: string;
  amount: MoneyString;
  repId: string;
  at: IsoInstant;
  source: DealSource;
}

export interface Activity {
  id: string;
  type: ActivityType;
  repId: string;
  dealId: string | null;
  note: string | null;
  at: IsoInstant;
}

export interface Lead {
  id: string;
  source: string;
  status: LeadStatus;
  repId: string | null;
  createdAt: IsoInstant;
  convertedDealId: string | null;
}

export interface Quota {
  id: string;
  repId: string | null;
  teamId: string | null;
  period: QuotaPeriod;
  /** First day of the month or quarter. */
  periodStart: IsoDate;
  amount: MoneyString;
}

/** The default pipeline of the design: Lead 10% → … → Won 100% / Lost 0%. */
export const DEFAULT_STAGES: readonly Stage[] = [
  { key: 'lead', label: 'Lead', position: 1, probability: 10, forecastCategory: 'pipeline', kind: 'open', stuckAfterDays: 14 },
  { key: 'qualified', label: 'Qualified', position: 2, probability: 20, forecastCategory: 'pipeline', kind: 'open', stuckAfterDays: 14 },
  { key: 'demo', label: 'Demo', position: 3, probability: 40, forecastCategory: 'best_case', kind: 'open', stuckAfterDays: 14 },
  { key: 'proposal', label: 'Proposal', position: 4, probability: 60, forecastCategory: 'best_case', kind: 'open', stuckAfterDays: 14 },
  { key: 'negotiation', label: 'Negotiation', position: 5, probability: 80, forecastCategory: 'commit', kind: 'open', stuckAfterDays: 14 },
  { key: 'won', label: 'Won', position: 6, probability: 100, forecastCategory: 'closed', kind: 'won', stuckAfterDays: 0 },
  { key: 'lost', label: 'Lost', position: 7, probability: 0, forecastCategory: 'omitted', kind: 'lost', stuckAfterDays: 0 },
];

/**
 * The name a deal gets when nobody wrote one: who buys, what ("PT Maju Jaya – Salesboard Growth"),
 * as reps name their deals. The demo names its deals so, and an import of a file without a name
 * column names each row's deal so. With only one of the two, that one is the name.
 */
export function dealNameOf(account: string, product: string): string;
export function dealNameOf(account: string | null, product: string | null): string | null;
export function dealNameOf(account: string | null, product: string | null): string | null {
  const parts = [account, product].map((part) => part?.trim() ?? '').filter(Boolean);
  return parts.length ? parts.join(' – ') : null;
}
