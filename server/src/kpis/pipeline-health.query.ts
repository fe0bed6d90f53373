/**
 * Funnel and stuck deals, read from the database when asked: they depend on stage history and
 * on the clock rather than on additive totals, and no live view streams them. The rules
 * themselves are the shared computeFunnel (a cohort of the deals created in the period) and stuckDeals.
 */
import type { EntityManager } from 'typeorm';
import {
  computeFunnel,
  fromMinor,
  type FunnelMove,
  type FunnelStage,
  normalizeMoney,
  type PeriodRange,
  type Scope,
  type Stage,
  stuckDeals,
  type StuckDealSummary,
  sumMinor,
  toMinor,
} from '@salesboard/shared';
import { DEAL_TEAM_SQL, DEAL_TERRITORY_SQL } from '../deals/deal.query.js';
import { amountInOrgCurrencySql } from '../exchange-rates/exchange-rates.repository.js';

/**
 * The stuck deals listed (the count and amount cover them all): the longest stuck first, as many
 * as a screen shows (8 on the dashboard, 5 on the phone) and a few more. The list is pushed to
 * every screen of the scope whenever it changes, so its length is paid per screen.
 */
const STUCK_LIST_LIMIT = 12;

/** A deal belongs to a scope by its current owner and by its team and territory as the Deal DTO has them (deal.query.ts). */
function scopeFilter(scope: Scope, params: unknown[]): string {
  if (scope.kind === 'all') return 'TRUE';
  params.push(scope.id);
  const column = scope.kind === 'team' ? DEAL_TEAM_SQL : scope.kind === 'territory' ? DEAL_TERRITORY_SQL : 'd.owner_id';
  return `${column} = $${params.length}`;
}

/** The cohort funnel (shared computeFunnel): the scope's deals created in the period, with their whole history. */
export async function funnelOf(manager: EntityManager, scope: Scope, range: PeriodRange, stages: readonly Stage[]): Promise<FunnelStage[]> {
  const params: unknown[] = [range.start, range.end];
  const deals: { id: string; stage: string; created_at: Date }[] = await manager.query(
    `SELECT d.id, d.stage, d.created_at
       FROM deals d
       JOIN reps r ON r.id = d.owner_id
       LEFT JOIN accounts a ON a.id = d.account_id
      WHERE d.created_at >= $1 AND d.created_at < $2 AND ${scopeFilter(scope, params)}`,
    params,
  );
  // The whole history, before and after the period: how far a deal got is judged by now. Only the
  // stages it names count, not how often or when, so each move is read once: a deal moved back and
  // forth a hundred times is a handful of rows, not a hundred (the live funnel reads this on every change).
  const rows: { deal_id: string; from_stage: string | null; to_stage: string }[] = deals.length
    ? await manager.query('SELECT DISTINCT deal_id, from_stage, to_stage FROM stage_history WHERE deal_id = ANY($1::uuid[])', [deals.map((deal) => deal.id)])
    : [];
  const history: FunnelMove[] = rows.map((row) => ({ dealId: row.deal_id, fromStage: row.from_stage, toStage: row.to_stage }));
  return computeFunnel(
    deals.map((deal) => ({ id: deal.id, stage: deal.stage, createdAt: deal.created_at })),
    history,
    stages,
    range,
  );
}

export async function stuckOf(
  manager: EntityManager,
  scope: Scope,
  now: Date,
  stages: readonly Stage[],
): Promise<{ count: number; amount: string; deals: StuckDealSummary[] }> {
  const params: unknown[] = [now];
  // A superset the shared rule then decides on: more than the limit in whole days means at least limit + 1 days.
  const rows: { id: string; name: string; owner_id: string; owner_name: string; stage: string; amount: string; stage_entered_at: Date }[] = await manager.query(
    // Amounts in the organisation's currency; one without a rate counts as nothing, never unconverted.
    `SELECT d.id, d.name, d.owner_id, r.name AS owner_name, d.stage, COALESCE(${amountInOrgCurrencySql('d')}, 0)::text AS amount, d.stage_entered_at
       FROM deals d
       JOIN reps r ON r.id = d.owner_id
       JOIN stages s ON s.key = d.stage
       LEFT JOIN accounts a ON a.id = d.account_id
      WHERE s.kind = 'open' AND d.stage_entered_at <= $1::timestamptz - (s.stuck_after_days + 1) * interval '24 hours'
        AND ${scopeFilter(scope, params)}`,
    params,
  );
  const stuck = stuckDeals(
    rows.map((row) => ({ ...row, stageEnteredAt: row.stage_entered_at })),
    stages,
    now,
  );
  const amountMinor = sumMinor(stuck.map((deal) => toMinor(deal.amount)));
  return {
    count: stuck.length,
    amount: fromMinor(amountMinor),
    deals: stuck.slice(0, STUCK_LIST_LIMIT).map((deal) => ({
      id: deal.id,
      name: deal.name,
      ownerId: deal.owner_id,
      ownerName: deal.owner_name,
      stage: deal.stage,
      amount: normalizeMoney(deal.amount),
      stageEnteredAt: deal.stage_entered_at.toISOString(),
      daysInStage: deal.daysInStage,
    })),
  };
}
