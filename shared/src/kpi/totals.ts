/**
 * KpiTotals: the additive inputs of every KPI for one scope and period. The server may fill them
 * from SQL aggregates or with totalsFromRows; formulas.ts turns either into the KPIs, so the two
 * ways of getting inputs cannot disagree on a formula.
 */
import { ACTIVITY_TYPES, type ActivityType } from '../domain.js';
import { MS_PER_DAY } from './civil-date.js';
import { marginBpOf } from './exact.js';
import type { PeriodRange } from './period.js';
import { quotaForScope } from './quota.js';
import type { Scope } from '../scope.js';
import type { DealRow, KpiRows, RepRow } from './rows.js';

/** Money is bigint minor units: a total is exact however large an organisation's figures grow. */
export interface KpiTotals {
  /** Σ amount of deals won in the period, minor units. */
  revenueMinor: bigint;
  /** Σ amount of deals won in the previous equal period. */
  previousRevenueMinor: bigint;
  won: number;
  lost: number;
  /** Days from created to closed (fractional, never negative) of each deal won in the period. */
  cycleDays: number[];
  /** Open deals now, whatever the period: the pipeline is a snapshot. */
  openCount: number;
  openPipelineMinor: bigint;
  /** Σ amountMinor × probability % over open deals: hundredths of a minor unit. */
  weightedPipelineCentiMinor: bigint;
  /** Open deals whose expected close date is a day of the period. */
  openClosingInPeriodMinor: bigint;
  /** Of those, the ones whose effective forecast category is `commit`, and `best_case`. */
  commitOpenMinor: bigint;
  bestCaseOpenMinor: bigint;
  weightedClosingInPeriodCentiMinor: bigint;
  /** Σ amountMinor × margin basis points over won deals with a known margin: 1/10 000 of a minor unit. */
  marginBpMinor: bigint;
  /** Revenue of the won deals with a known margin: the return-on-sales denominator. */
  marginRevenueMinor: bigint;
  /** null when no quota is set for any part of the period. */
  quotaMinor: bigint | null;
  leadsCreated: number;
  /** Of the leads created in the period, those converted by now. */
  leadsConverted: number;
  activities: Record<ActivityType, number>;
  activeReps: number;
}

export function emptyTotals(): KpiTotals {
  return {
    revenueMinor: 0n,
    previousRevenueMinor: 0n,
    won: 0,
    lost: 0,
    cycleDays: [],
    openCount: 0,
    openPipelineMinor: 0n,
    weightedPipelineCentiMinor: 0n,
    openClosingInPeriodMinor: 0n,
    commitOpenMinor: 0n,
    bestCaseOpenMinor: 0n,
    weightedClosingInPeriodCentiMinor: 0n,
    marginBpMinor: 0n,
    marginRevenueMinor: 0n,
    quotaMinor: null,
    leadsCreated: 0,
    leadsConverted: 0,
    activities: { call: 0, email: 0, meeting: 0, demo: 0 },
    activeReps: 0,
  };
}

/** Totals of two disjoint scopes (two teams, say) for the same period. */
export function addTotals(a: KpiTotals, b: KpiTotals): KpiTotals {
  const activities = emptyTotals().activities;
  for (const type of ACTIVITY_TYPES) activities[type] = a.activities[type] + b.activities[type];
  return {
    revenueMinor: a.revenueMinor + b.revenueMinor,
    previousRevenueMinor: a.previousRevenueMinor + b.previousRevenueMinor,
    won: a.won + b.won,
    lost: a.lost + b.lost,
    cycleDays: [...a.cycleDays, ...b.cycleDays],
    openCount: a.openCount + b.openCount,
    openPipelineMinor: a.openPipelineMinor + b.openPipelineMinor,
    weightedPipelineCentiMinor: a.weightedPipelineCentiMinor + b.weightedPipelineCentiMinor,
    openClosingInPeriodMinor: a.openClosingInPeriodMinor + b.openClosingInPeriodMinor,
    commitOpenMinor: a.commitOpenMinor + b.commitOpenMinor,
    bestCaseOpenMinor: a.bestCaseOpenMinor + b.bestCaseOpenMinor,
    weightedClosingInPeriodCentiMinor: a.weightedClosingInPeriodCentiMinor + b.weightedClosingInPeriodCentiMinor,
    marginBpMinor: a.marginBpMinor + b.marginBpMinor,
    marginRevenueMinor: a.marginRevenueMinor + b.marginRevenueMinor,
    quotaMinor: a.quotaMinor === null && b.quotaMinor === null ? null : (a.quotaMinor ?? 0n) + (b.quotaMinor ?? 0n),
    leadsCreated: a.leadsCreated + b.leadsCreated,
    leadsConverted: a.leadsConverted + b.leadsConverted,
    activities,
    activeReps: a.activeReps + b.activeReps,
  };
}

/**
 * Totals straight from rows. Won and lost count by the deal's current stage and closedAt, so a
 * deal reopened after it was won is open again: neither won nor revenue.
 */
export function totalsFromRows(rows: KpiRows, range: PeriodRange, scope: Scope): KpiTotals {
  const totals = emptyTotals();
  const repsById = new Map(rows.reps.map((rep) => [rep.id, rep]));
  const inScope = (repId: string | null) => repInScope(repId, repId === null ? undefined : repsById.get(repId), scope);
  const productMargins = new Map<string, number>();
  for (const product of rows.products) {
    if (product.marginPct !== null) productMargins.set(product.id, marginBpOf(product.marginPct));
  }

  for (const deal of rows.deals) {
    if (dealInScope(deal, scope)) addDeal(totals, deal, range, productMargins);
  }
  for (const activity of rows.activities) {
    if (within(activity.at, range.start, range.end) && inScope(activity.repId)) totals.activities[activity.type]++;
  }
  for (const lead of rows.leads) {
    if (!within(lead.createdAt, range.start, range.end) || !inScope(lead.repId)) continue;
    totals.leadsCreated++;
    if (lead.status === 'converted' || lead.convertedDealId !== null) totals.leadsConverted++;
  }
  totals.quotaMinor = quotaForScope(rows.quotas, rows.reps, scope, range);
  totals.activeReps = rows.reps.filter((rep) => rep.active && repInScope(rep.id, rep, scope)).length;
  return totals;
}

function addDeal(totals: KpiTotals, deal: DealRow, range: PeriodRange, productMargins: ReadonlyMap<string, number>): void {
  checkDeal(deal);
  const amount = deal.amountMinor;
  const closedAt = deal.closedAt;
  if (deal.stageKind === 'won' && closedAt !== null) {
    if (within(closedAt, range.start, range.end)) {
      totals.revenueMinor += amount;
      totals.won++;
      totals.cycleDays.push(Math.max(0, closedAt.getTime() - deal.createdAt.getTime()) / MS_PER_DAY);
      const marginBp = deal.marginBp ?? (deal.productId === null ? undefined : productMargins.get(deal.productId));
      if (marginBp !== undefined && marginBp !== null) {
        totals.marginBpMinor += amount * BigInt(marginBp);
        totals.marginRevenueMinor += amount;
      }
    } else if (within(closedAt, range.previousStart, range.previousEnd)) {
      totals.previousRevenueMinor += amount;
    }
  } else if (deal.stageKind === 'lost' && closedAt !== null) {
    if (within(closedAt, range.start, range.end)) totals.lost++;
  } else if (deal.stageKind === 'open') {
    const weighted = amount * BigInt(deal.probability);
    totals.openCount++;
    totals.openPipelineMinor += amount;
    totals.weightedPipelineCentiMinor += weighted;
    const close = deal.expectedCloseDate;
    // ISO dates compare correctly as strings.
    if (close !== null && close >= range.fromDate && close <= range.toDate) {
      totals.openClosingInPeriodMinor += amount;
      totals.weightedClosingInPeriodCentiMinor += weighted;
      if (deal.forecastCategory === 'commit') totals.commitOpenMinor += amount;
      if (deal.forecastCategory === 'best_case') totals.bestCaseOpenMinor += amount;
    }
  }
}

/** Bad rows fail loudly here rather than drift silently in a sum. */
function checkDeal(deal: DealRow): void {
  if (typeof deal.amountMinor !== 'bigint') throw new RangeError(`deal ${deal.id}: amountMinor must be a bigint`);
  if (!Number.isInteger(deal.probability) || deal.probability < 0 || deal.probability > 100) {
    throw new RangeError(`deal ${deal.id}: probability must be a whole percent 0–100`);
  }
  if (typeof deal.marginBp === 'number' && !Number.isInteger(deal.marginBp)) {
    throw new RangeError(`deal ${deal.id}: marginBp must be whole basis points`);
  }
}

function dealInScope(deal: DealRow, scope: Scope): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'team':
      return deal.teamId === scope.id;
    case 'territory':
      return deal.territoryId === scope.id;
    case 'rep':
      return deal.ownerId === scope.id;
  }
}

/** Activities, leads and reps belong to a team or territory through the rep's current one. */
function repInScope(repId: string | null, rep: RepRow | undefined, scope: Scope): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'team':
      return rep?.teamId === scope.id;
    case 'territory':
      return rep?.territoryId === scope.id;
    case 'rep':
      return repId === scope.id;
  }
}

function within(instant: Date, start: Date, end: Date): boolean {
  const t = instant.getTime();
  return t >= start.getTime() && t < end.getTime();
}
