/**
 * Reading deals as the API shows them: one SQL shape with the owner's name, team and territory
 * and the account's name joined in, used by every read so the mapping lives in one place.
 */
import type { EntityManager } from 'typeorm';
import type { Deal, DealSource, DealsQuery, ForecastCategory } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';
import { forbidden } from '../auth/auth.guard.js';
import { canSeeDeal, narrowBoard, type Principal, seesEveryDeal } from '../auth/principal.js';
import { badField } from '../common/errors.js';
import { amountInOrgCurrencySql } from '../exchange-rates/exchange-rates.repository.js';

/**
 * A deal's team and territory, for a query joining deals as `d`, the owner as `r` and the account
 * as `a`: an open deal follows its rep; a closed one keeps what it was closed for once its rep has
 * moved on (the admin area pins it then, see the Admin migration). Every read of a deal's team or
 * territory uses these, so lists, filters, events and the KPI aggregates agree.
 */
const PINNED = 'd.pinned_at >= d.closed_at AND d.pinned_owner_id = d.owner_id';
export const DEAL_TEAM_SQL = `CASE WHEN ${PINNED} THEN d.pinned_team_id ELSE r.team_id END`;
export const DEAL_TERRITORY_SQL = `CASE WHEN ${PINNED} THEN d.pinned_territory_id ELSE COALESCE(r.territory_id, a.territory_id) END`;

const DEAL_SELECT = `
  SELECT d.id, d.source, d.external_id, d.name, d.account_id, a.name AS account_name, d.product_id,
         d.owner_id, r.name AS owner_name, ${DEAL_TEAM_SQL} AS team_id, ${DEAL_TERRITORY_SQL} AS territory_id,
         d.amount::text AS amount, d.currency, ${amountInOrgCurrencySql('d')}::text AS amount_in_org_currency, d.stage, d.forecast_override, s.forecast_category AS stage_category,
         d.created_at, to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date, d.closed_at,
         d.stage_entered_at, d.updated_at
    FROM deals d
    JOIN reps r ON r.id = d.owner_id
    JOIN stages s ON s.key = d.stage
    LEFT JOIN accounts a ON a.id = d.account_id`;

interface DealRow {
  id: string;
  source: DealSource;
  external_id: string | null;
  name: string;
  account_id: string | null;
  account_name: string | null;
  product_id: string | null;
  owner_id: string;
  owner_name: string;
  team_id: string | null;
  territory_id: string | null;
  amount: string;
  currency: string;
  amount_in_org_currency: string | null;
  stage: string;
  forecast_override: ForecastCategory | null;
  stage_category: ForecastCategory;
  created_at: Date;
  expected_close_date: string | null;
  closed_at: Date | null;
  stage_entered_at: Date;
  updated_at: Date;
}

export function mapDeal(row: DealRow): Deal {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    name: row.name,
    accountId: row.account_id,
    accountName: row.account_name,
    productId: row.product_id,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    teamId: row.team_id,
    territoryId: row.territory_id,
    amount: normalizeMoney(row.amount),
    currency: row.currency.trim(),
    amountInOrgCurrency: row.amount_in_org_currency === null ? null : normalizeMoney(row.amount_in_org_currency),
    stage: row.stage,
    forecastCategory: row.forecast_override ?? row.stage_category,
    forecastOverride: row.forecast_override,
    createdAt: row.created_at.toISOString(),
    expectedCloseDate: row.expected_close_date,
    closedAt: row.closed_at ? row.closed_at.toISOString() : null,
    stageEnteredAt: row.stage_entered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function findDeal(manager: EntityManager, id: string): Promise<Deal | null> {
  const rows: DealRow[] = await manager.query(`${DEAL_SELECT} WHERE d.id = $1`, [id]);
  return rows.length ? mapDeal(rows[0]) : null;
}

/**
 * A deal another record points at (an activity's, a converted lead's). Whoever may not see it
 * gets the same 403 whether it exists or not; whoever sees every deal gets a 400 naming the field.
 */
export async function checkReferencedDeal(manager: EntityManager, principal: Principal | undefined, id: string, field: string): Promise<void> {
  const deal = await findDeal(manager, id);
  if (principal && !seesEveryDeal(principal) && (!deal || !canSeeDeal(principal, deal))) {
    throw forbidden(`authorization: ${field} must be a deal this credential may see`);
  }
  if (!deal) throw badField(field, `no deal with id ${id}`);
}

/** The deals a principal may list, as a filter: everything, some teams, or one rep. */
export type Visibility =
  { kind: 'all' } | { kind: 'teams'; teamIds: string[] } | { kind: 'territory'; territoryId: string } | { kind: 'rep'; repId: string | null };

export function visibleTo(principal: Principal): Visibility {
  if (principal.role === 'manager') return { kind: 'teams', teamIds: principal.teamIds };
  if (principal.role === 'rep') return { kind: 'rep', repId: principal.repId };
  const board = narrowBoard(principal);
  if (board?.kind === 'territory') return { kind: 'territory', territoryId: board.id };
  if (board) return { kind: 'teams', teamIds: board.ids };
  return { kind: 'all' };
}

/**
 * The WHERE clause of a deal listing: the caller's visibility, then the screen's filters. The
 * query must join deals as `d`, their owner as `r` and their account as `a`.
 */
export function dealFilters(
  query: Pick<DealsQuery, 'stage' | 'repId' | 'teamId' | 'territoryId'>,
  visibility: Visibility,
): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (visibility.kind === 'teams') add(`${DEAL_TEAM_SQL} = ANY(?::uuid[])`, visibility.teamIds);
  if (visibility.kind === 'territory') add(`${DEAL_TERRITORY_SQL} = ?`, visibility.territoryId);
  if (visibility.kind === 'rep') add('d.owner_id = ?', visibility.repId ?? '00000000-0000-0000-0000-000000000000');
  if (query.stage) add('d.stage = ?', query.stage);
  if (query.repId) add('d.owner_id = ?', query.repId);
  if (query.teamId) add(`${DEAL_TEAM_SQL} = ?`, query.teamId);
  if (query.territoryId) add(`${DEAL_TERRITORY_SQL} = ?`, query.territoryId);
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

export async function findDeals(manager: EntityManager, query: DealsQuery, visibility: Visibility = { kind: 'all' }): Promise<Deal[]> {
  const { where, params } = dealFilters(query, visibility);
  params.push(query.limit ?? 200, query.offset ?? 0);
  const sql = `${DEAL_SELECT} ${where}
    ORDER BY d.updated_at DESC, d.id LIMIT $${params.length - 1} OFFSET $${params.length}`;
  const rows: DealRow[] = await manager.query(sql, params);
  return rows.map(mapDeal);
}
