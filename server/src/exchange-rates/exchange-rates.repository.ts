/**
 * The SQL of exchange rates, and the one SQL fragment every figure query uses for "a deal's amount
 * in the organisation's currency" (salesboard_in_org_currency, created by the ExchangeRates
 * migration with the same half-even rule as the shared convertMinor).
 */
import type { EntityManager } from 'typeorm';
import type { ExchangeRate } from '@salesboard/shared';

interface RateRow {
  currency: string;
  valid_from: string;
  rate: string;
  updated_at: Date;
}

const COLUMNS = `currency, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, trim_scale(rate)::text AS rate, updated_at`;

function toRate(row: RateRow): ExchangeRate {
  return { currency: row.currency.trim(), validFrom: row.valid_from, rate: row.rate, updatedAt: row.updated_at.toISOString() };
}

export async function listRates(manager: EntityManager): Promise<ExchangeRate[]> {
  const rows: RateRow[] = await manager.query(`SELECT ${COLUMNS} FROM exchange_rates ORDER BY currency, valid_from`);
  return rows.map(toRate);
}

export async function findRate(manager: EntityManager, currency: string, validFrom: string, lock = false): Promise<ExchangeRate | null> {
  const rows: RateRow[] = await manager.query(`SELECT ${COLUMNS} FROM exchange_rates WHERE currency = $1 AND valid_from = $2${lock ? ' FOR UPDATE' : ''}`, [
    currency,
    validFrom,
  ]);
  return rows.length ? toRate(rows[0]) : null;
}

/**
 * Of the (currency, day) pairs given, those with no rate in effect (none starting on or before
 * the day), in one query however many pairs: an import asks it for a whole batch of rows.
 */
export async function pairsWithoutRate(
  manager: EntityManager,
  pairs: readonly { currency: string; day: string }[],
): Promise<{ currency: string; day: string }[]> {
  if (pairs.length === 0) return [];
  const rows: { currency: string; day: string }[] = await manager.query(
    `SELECT p.currency, p.day FROM unnest($1::text[], $2::text[]) AS p(currency, day)
      WHERE NOT EXISTS (SELECT 1 FROM exchange_rates r WHERE r.currency = p.currency::char(3) AND r.valid_from <= p.day::date)`,
    [pairs.map((p) => p.currency), pairs.map((p) => p.day)],
  );
  return rows;
}

export async function upsertRate(manager: EntityManager, currency: string, validFrom: string, rate: string): Promise<ExchangeRate> {
  const rows: RateRow[] = await manager.query(
    `INSERT INTO exchange_rates (currency, valid_from, rate) VALUES ($1, $2, $3)
     ON CONFLICT (currency, valid_from) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now()
     RETURNING ${COLUMNS}`,
    [currency, validFrom, rate],
  );
  return toRate(rows[0]);
}

export async function deleteRate(manager: EntityManager, currency: string, validFrom: string): Promise<void> {
  await manager.query('DELETE FROM exchange_rates WHERE currency = $1 AND valid_from = $2', [currency, validFrom]);
}

/**
 * Deals of `currency` that would have no rate once the rate starting on `validFrom` is gone:
 * those whose day (close day, or today while open) falls before the currency's next-earliest
 * remaining rate. Counted in the database's view of the organisation's days.
 */
export async function dealsLeftWithoutRate(manager: EntityManager, currency: string, validFrom: string, timeZone: string): Promise<number> {
  const [{ count }]: { count: number }[] = await manager.query(
    `SELECT count(*)::int AS count FROM deals d
      WHERE trim(d.currency) = $1
        AND ${DEAL_DAY_SQL('d', '$3')} >= $2::date
        AND NOT EXISTS (SELECT 1 FROM exchange_rates r
                         WHERE r.currency = $1 AND r.valid_from <> $2::date AND r.valid_from <= ${DEAL_DAY_SQL('d', '$3')})`,
    [currency, validFrom, timeZone],
  );
  return count;
}

/** The day a deal converts on: its close day, or today while it is open, in the organisation's time zone. */
function DEAL_DAY_SQL(alias: string, timeZone: string): string {
  return `(COALESCE(${alias}.closed_at, now()) AT TIME ZONE ${timeZone})::date`;
}

/**
 * `<alias>.amount` in the organisation's currency, NULL when its currency has no rate on its day
 * (close day, or today while open). The one SQL spelling of conversion: every figure query uses it.
 */
export function amountInOrgCurrencySql(alias: string): string {
  return `salesboard_in_org_currency(${alias}.amount, ${alias}.currency, ${alias}.closed_at)`;
}

/** Tells the database the organisation's currency and zone, which salesboard_in_org_currency reads. */
export async function recordOrgCurrency(manager: EntityManager, currency: string, timeZone: string): Promise<void> {
  await manager.query(
    `INSERT INTO org_currency (id, currency, time_zone) VALUES (1, $1, $2)
     ON CONFLICT (id) DO UPDATE SET currency = EXCLUDED.currency, time_zone = EXCLUDED.time_zone
     WHERE (org_currency.currency, org_currency.time_zone) IS DISTINCT FROM (EXCLUDED.currency, EXCLUDED.time_zone)`,
    [currency, timeZone],
  );
}
