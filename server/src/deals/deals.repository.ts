/**
 * Every write of the deals aggregate (the `deals` and `stage_history` tables) as SQL, in one
 * style: raw parameterised SQL through the transaction's EntityManager. Raw rather than the
 * query builder because the statements that matter for speed are set-based (`unnest` of column
 * arrays, `INSERT … ON CONFLICT`, a data-modifying CTE writing a deal and its history in one
 * round trip), which the query builder cannot say; one style keeps every statement readable side
 * by side. Only DealCommands calls the writes here; reads of the API's shape are in deal.query.ts.
 */
import type { EntityManager } from 'typeorm';
import type { Deal, ForecastCategory, LoggedEventType } from '@salesboard/shared';
import type { DealWriteRights } from '../auth/principal.js';
import type { OneStatement, StatementLog } from '../events/event-writer.service.js';
import { DEAL_TEAM_SQL, DEAL_TERRITORY_SQL } from './deal.query.js';

/** A deal's row as the writes compare and change it. */
export interface DealRecord {
  id: string;
  source: string;
  external_id: string | null;
  name: string;
  account_id: string | null;
  product_id: string | null;
  owner_id: string;
  amount: string;
  currency: string;
  stage: string;
  expected_close_date: string | null;
  forecast_override: ForecastCategory | null;
  closed_at: Date | null;
  created_at: Date;
  stage_entered_at: Date;
}

/** The columns a change may set (updated_at is always set). */
export type DealColumns = Partial<
  Pick<
    DealRecord,
    | 'name'
    | 'account_id'
    | 'product_id'
    | 'owner_id'
    | 'amount'
    | 'currency'
    | 'stage'
    | 'expected_close_date'
    | 'forecast_override'
    | 'closed_at'
    | 'created_at'
    | 'stage_entered_at'
  >
>;

export type NewDealRow = Required<Omit<DealColumns, 'forecast_override'>> & {
  source: string;
  external_id: string | null;
  forecast_override: ForecastCategory | null;
};

/** One row of stage history: a deal entering `to_stage` (from nothing when it was created). */
export interface StageMove {
  deal_id: string;
  from_stage: string | null;
  to_stage: string;
  amount: string;
  rep_id: string;
  at: Date;
  source: string;
}

/** A row of a set-based write: the deal's columns, plus its id and former stage for an update. */
export interface BulkDealRow {
  id: string | null;
  from_stage: string | null;
  external_id: string;
  name: string;
  account_id: string | null;
  product_id: string | null;
  owner_id: string;
  amount: string;
  currency: string;
  stage: string;
  created_at: Date;
  expected_close_date: string | null;
  closed_at: Date | null;
  stage_entered_at: Date;
}

const RECORD = `id, source, external_id, name, account_id, product_id, owner_id, amount::text AS amount, trim(currency) AS currency, stage,
  to_char(expected_close_date, 'YYYY-MM-DD') AS expected_close_date, forecast_override, closed_at, created_at, stage_entered_at`;

/** Locks the deal's row for the rest of the transaction: concurrent changes queue, never interleave. */
export async function lockDeal(manager: EntityManager, id: string): Promise<DealRecord | null> {
  const rows: DealRecord[] = await manager.query(`SELECT ${RECORD} FROM deals WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

export async function lockDealByExternalId(manager: EntityManager, source: string, externalId: string): Promise<DealRecord | null> {
  const rows: DealRecord[] = await manager.query(`SELECT ${RECORD} FROM deals WHERE source = $1 AND external_id = $2 FOR UPDATE`, [source, externalId]);
  return rows[0] ?? null;
}

/** Inserts a deal; null when another with its source and external id exists already. */
export async function insertDeal(manager: EntityManager, row: NewDealRow, at: Date): Promise<string | null> {
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO deals (source, external_id, name, account_id, product_id, owner_id, amount, currency, stage, forecast_override,
                        created_at, expected_close_date, closed_at, stage_entered_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (source, external_id) DO NOTHING RETURNING id`,
    [
      row.source,
      row.external_id,
      row.name,
      row.account_id,
      row.product_id,
      row.owner_id,
      row.amount,
      row.currency,
      row.stage,
      row.forecast_override,
      row.created_at,
      row.expected_close_date,
      row.closed_at,
      row.stage_entered_at,
      at,
    ],
  );
  return rows[0]?.id ?? null;
}

export async function updateDeal(manager: EntityManager, id: string, changes: DealColumns, at: Date): Promise<void> {
  const columns = Object.keys(changes);
  await manager.query(`UPDATE deals SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = $${columns.length + 2} WHERE id = $1`, [
    id,
    ...Object.values(changes),
    at,
  ]);
}

/** What `deal_change_stages` answers for a change it committed: its event, with the deal as the API shows it. */
export interface StageChanged {
  seq: number;
  at: string;
  type: LoggedEventType;
  from: string;
  deal: Deal;
}

/** A change `deal_change_stages` refused, rolled back alone: its SQLSTATE (see the DealChangeStage migration). */
export interface StageRefused {
  refused: string;
  message: string;
  detail: string | null;
}

/** One stage change as `deal_change_stages` takes it: the move, whose rights, and what to log. */
/** `at`: when, by the application's clock (ISO), as every write path dates a move. */
export type StageChangeRow = { deal: string; to: string; reopen: boolean; at: string } & DealWriteRights & StatementLog;

/**
 * Several stage changes in one statement and one commit (the DealChangeStage migration's SQL
 * function): each locks, checks, moves, writes history and claims its Idempotency-Key; their
 * events are appended last. Answers each change's outcome in the order given.
 */
export async function changeStagesInOneStatement(
  query: OneStatement['query'],
  channel: string,
  changes: StageChangeRow[],
): Promise<(StageChanged | StageRefused)[]> {
  const [row] = await query<{ results: (StageChanged | StageRefused)[] }>('deal_change_stages', 'SELECT deal_change_stages($1, $2) AS results', [
    JSON.stringify(changes),
    channel,
  ]);
  return row.results;
}

export async function deleteDeal(manager: EntityManager, id: string): Promise<void> {
  await manager.query('DELETE FROM deals WHERE id = $1', [id]);
}

/** Appends stage history, one statement however many rows. */
export async function insertStageMoves(manager: EntityManager, moves: StageMove[]): Promise<void> {
  if (moves.length === 0) return;
  await manager.query(
    `INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::uuid[], $6::timestamptz[], $7::text[])`,
    [
      moves.map((m) => m.deal_id),
      moves.map((m) => m.from_stage),
      moves.map((m) => m.to_stage),
      moves.map((m) => m.amount),
      moves.map((m) => m.rep_id),
      moves.map((m) => m.at.toISOString()),
      moves.map((m) => m.source),
    ],
  );
}

/** Deals with a known id and their whole history (the demo's starting state), one statement each. */
export async function insertDealsWithIds(manager: EntityManager, source: string, rows: (NewDealRow & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO deals (id, source, name, account_id, product_id, owner_id, amount, currency, stage, created_at, expected_close_date, closed_at, stage_entered_at, updated_at)
     SELECT d.id, $1, d.name, d.account_id, d.product_id, d.owner_id, d.amount, d.currency, d.stage, d.created_at, d.expected_close_date, d.closed_at,
            d.stage_entered_at, d.stage_entered_at
       FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::numeric[], $8::text[], $9::text[], $10::timestamptz[], $11::date[],
                   $12::timestamptz[], $13::timestamptz[])
         AS d(id, name, account_id, product_id, owner_id, amount, currency, stage, created_at, expected_close_date, closed_at, stage_entered_at)`,
    [
      source,
      rows.map((r) => r.id),
      rows.map((r) => r.name),
      rows.map((r) => r.account_id),
      rows.map((r) => r.product_id),
      rows.map((r) => r.owner_id),
      rows.map((r) => r.amount),
      rows.map((r) => r.currency),
      rows.map((r) => r.stage),
      rows.map((r) => r.created_at.toISOString()),
      rows.map((r) => r.expected_close_date),
      rows.map((r) => r.closed_at?.toISOString() ?? null),
      rows.map((r) => r.stage_entered_at.toISOString()),
    ],
  );
}

/**
 * Locks the deals of a source that exist already, by external id. One index probe per id
 * (LATERAL … LIMIT 1): a plain `= ANY` scans every deal of the source while a first big import
 * outruns the table's statistics. Sorted ids lock in the same order in concurrent writers, so
 * they queue instead of deadlocking.
 */
export async function lockDealsByExternalIds(manager: EntityManager, source: string, externalIds: string[]): Promise<Map<string, DealRecord>> {
  const rows: DealRecord[] = await manager.query(
    `SELECT d.* FROM unnest($2::text[]) AS v(external_id)
       CROSS JOIN LATERAL (SELECT ${RECORD} FROM deals WHERE source = $1 AND external_id = v.external_id LIMIT 1 FOR NO KEY UPDATE) d`,
    [source, [...externalIds].sort()],
  );
  return new Map(rows.map((row) => [row.external_id as string, row]));
}

/**
 * Inserts new deals and, in the same statement, their first stage-history row (at the close for
 * a closed deal, else at creation). Answers the external ids actually inserted: one another
 * writer inserted meanwhile is left out, for the caller to retry as an update.
 */
export async function insertDealsWithHistory(manager: EntityManager, source: string, creates: BulkDealRow[]): Promise<Set<string>> {
  if (creates.length === 0) return new Set();
  const rows: { external_id: string }[] = await manager.query(
    `WITH added AS (
       INSERT INTO deals (source, external_id, name, account_id, product_id, owner_id, amount, currency, stage,
                          created_at, expected_close_date, closed_at, stage_entered_at, updated_at)
       SELECT $13, v.*, now() FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::text[], $8::text[],
                                          $9::timestamptz[], $10::date[], $11::timestamptz[], $12::timestamptz[]) AS v
       ON CONFLICT (source, external_id) DO NOTHING
       RETURNING id, external_id, stage, amount, owner_id, COALESCE(closed_at, created_at) AS at),
     history AS (
       INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
       SELECT id, NULL, stage, amount, owner_id, at, $13 FROM added)
     SELECT external_id FROM added`,
    [...bulkColumns(creates), source],
  );
  return new Set(rows.map((row) => row.external_id));
}

/** Updates deals and writes a stage-history row for each that moved (at its close, else now). */
export async function updateDealsWithHistory(manager: EntityManager, source: string, updates: BulkDealRow[]): Promise<void> {
  if (updates.length === 0) return;
  await manager.query(
    `WITH changed AS (
       UPDATE deals d SET name = v.name, account_id = v.account_id, product_id = v.product_id, owner_id = v.owner_id,
              amount = v.amount, currency = v.currency, stage = v.stage, created_at = v.created_at,
              expected_close_date = v.expected_close_date, closed_at = v.closed_at, stage_entered_at = v.stage_entered_at, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::text[], $8::text[],
                     $9::timestamptz[], $10::date[], $11::timestamptz[], $12::timestamptz[], $13::uuid[], $14::text[])
              AS v(external_id, name, account_id, product_id, owner_id, amount, currency, stage, created_at, expected_close_date, closed_at, stage_entered_at, id, from_stage)
        WHERE d.id = v.id
        RETURNING d.id, v.from_stage, d.stage, d.amount, d.owner_id, COALESCE(d.closed_at, now()) AS at)
     INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
     SELECT id, from_stage, stage, amount, owner_id, at, $15 FROM changed WHERE from_stage <> stage`,
    [...bulkColumns(updates), updates.map((u) => u.id), updates.map((u) => u.from_stage), source],
  );
}

/** The deal columns of bulk rows as parallel arrays, for unnest. */
function bulkColumns(rows: BulkDealRow[]): unknown[] {
  return [
    rows.map((r) => r.external_id),
    rows.map((r) => r.name),
    rows.map((r) => r.account_id),
    rows.map((r) => r.product_id),
    rows.map((r) => r.owner_id),
    rows.map((r) => r.amount),
    rows.map((r) => r.currency),
    rows.map((r) => r.stage),
    rows.map((r) => r.created_at.toISOString()),
    rows.map((r) => r.expected_close_date),
    rows.map((r) => r.closed_at?.toISOString() ?? null),
    rows.map((r) => r.stage_entered_at.toISOString()),
  ];
}

/**
 * Before reps move to another team or territory: each of their closed deals not already pinned
 * keeps the team and territory it has now, i.e. the ones it was closed for (see DEAL_TEAM_SQL).
 * Open deals are left to follow their rep.
 */
export async function pinClosedDealsOf(manager: EntityManager, repIds: string[]): Promise<void> {
  if (repIds.length === 0) return;
  await manager.query(
    `UPDATE deals d SET pinned_team_id = x.team_id, pinned_territory_id = x.territory_id, pinned_owner_id = d.owner_id, pinned_at = now()
       FROM (SELECT d.id, ${DEAL_TEAM_SQL} AS team_id, ${DEAL_TERRITORY_SQL} AS territory_id
               FROM deals d
               JOIN reps r ON r.id = d.owner_id
               JOIN stages s ON s.key = d.stage
               LEFT JOIN accounts a ON a.id = d.account_id
              WHERE d.owner_id = ANY($1::uuid[]) AND s.kind <> 'open' AND d.closed_at IS NOT NULL) x
      WHERE d.id = x.id`,
    [repIds],
  );
}

/** How many open deals each of these reps owns (the ones that follow them on a move). */
export async function countOpenDealsOf(manager: EntityManager, repIds: string[]): Promise<Map<string, number>> {
  const rows: { owner_id: string; count: number }[] = await manager.query(
    `SELECT d.owner_id, count(*)::int AS count FROM deals d JOIN stages s ON s.key = d.stage
      WHERE d.owner_id = ANY($1::uuid[]) AND s.kind = 'open' GROUP BY d.owner_id`,
    [repIds],
  );
  return new Map(rows.map((r) => [r.owner_id, r.count]));
}
