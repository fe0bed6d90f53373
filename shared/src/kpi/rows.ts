/**
 * Plain rows the KPI layer reads when it computes from data rather than from SQL aggregates:
 * what a repository query or an in-memory store holds, with money already in bigint minor units.
 */
import type { ActivityType, ForecastCategory, IsoDate, LeadStatus, QuotaPeriod, StageKind } from '../domain.js';

export interface DealRow {
  id: string;
  ownerId: string;
  teamId: string | null;
  territoryId: string | null;
  amountMinor: bigint;
  stage: string;
  stageKind: StageKind;
  /** Win probability in whole percent, 0–100. */
  probability: number;
  /** The effective category: the override when set, else the stage's. */
  forecastCategory: ForecastCategory;
  createdAt: Date;
  closedAt: Date | null;
  expectedCloseDate: IsoDate | null;
  stageEnteredAt: Date;
  productId: string | null;
  /** Margin in basis points (hundredths of a percent: 35.50 % → 3550); when absent, the product's. */
  marginBp?: number | null;
}

export interface ActivityRow {
  repId: string;
  type: ActivityType;
  at: Date;
}

export interface LeadRow {
  repId: string | null;
  status: LeadStatus;
  createdAt: Date;
  convertedDealId: string | null;
}

export interface QuotaRow {
  repId: string | null;
  teamId: string | null;
  period: QuotaPeriod;
  /** First day of the month or quarter. */
  periodStart: IsoDate;
  amountMinor: bigint;
}

/** Who belongs where: activities, leads and rep quotas reach a team or territory through their rep. */
export interface RepRow {
  id: string;
  teamId: string | null;
  territoryId: string | null;
  active: boolean;
}

export interface ProductRow {
  id: string;
  /** Percent, as the domain's Product holds it ("35.50") or as a number. */
  marginPct: string | number | null;
}

export interface StageHistoryRow {
  dealId: string;
  fromStage: string | null;
  toStage: string;
  at: Date;
}

export interface KpiRows {
  deals: readonly DealRow[];
  activities: readonly ActivityRow[];
  leads: readonly LeadRow[];
  quotas: readonly QuotaRow[];
  reps: readonly RepRow[];
  products: readonly ProductRow[];
}
