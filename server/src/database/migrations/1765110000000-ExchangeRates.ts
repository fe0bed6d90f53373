import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dated exchange rates, and the SQL side of conversion: the same rule as the shared
 * convertMinor (exact product, one half-even rounding to the minor unit), so every SQL figure
 * agrees to the unit with the in-memory ones. The organisation's currency and time zone come
 * from the configuration; each server writes them to `org_currency` at start, so a query needs no
 * parameter to convert: `salesboard_in_org_currency(d.amount, d.currency, d.closed_at)`.
 */
export class ExchangeRates1765110000000 implements MigrationInterface {
  name = 'ExchangeRates1765110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS exchange_rates (
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        valid_from date NOT NULL,
        rate numeric(30, 12) NOT NULL CHECK (rate > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (currency, valid_from)
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS org_currency (
        id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        currency char(3) NOT NULL,
        time_zone text NOT NULL
      )`);
    // Rates come from CSV through the import machinery too.
    await q.query(`ALTER TABLE import_jobs DROP CONSTRAINT IF EXISTS import_jobs_kind_check`);
    await q.query(
      `ALTER TABLE import_jobs ADD CONSTRAINT import_jobs_kind_check CHECK (kind IN ('deals','reps','accounts','products','activities','exchange-rates'))`,
    );
    // Half-even at two decimals: numeric's own round() goes half away from zero. × 0.01, not ÷ 100:
    // numeric division picks its own scale and would round a large amount to whole units.
    await q.query(`
      CREATE OR REPLACE FUNCTION salesboard_round_half_even(x numeric) RETURNS numeric
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT round(CASE
          WHEN abs(x * 100 - trunc(x * 100)) > 0.5 THEN trunc(x * 100) + sign(x)
          WHEN abs(x * 100 - trunc(x * 100)) = 0.5 AND mod(trunc(x * 100), 2) <> 0 THEN trunc(x * 100) + sign(x)
          ELSE trunc(x * 100)
        END * 0.01, 2)
      $$`);
    // Positional parameters: inside a subquery a parameter named like a column would mean the column.
    // The day is the close day in the organisation's zone, or today while the deal is open.
    // NULL when the currency has no rate on that day: a caller must never add such an amount unconverted.
    await q.query(`
      CREATE OR REPLACE FUNCTION salesboard_in_org_currency(amount numeric, currency text, closed_at timestamptz) RETURNS numeric
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN trim($2) = trim(o.currency) THEN $1
          ELSE salesboard_round_half_even($1 * (
            SELECT r.rate FROM exchange_rates r
             WHERE r.currency = trim($2) AND r.valid_from <= (COALESCE($3, now()) AT TIME ZONE o.time_zone)::date
             ORDER BY r.valid_from DESC LIMIT 1))
        END
        FROM org_currency o WHERE o.id = 1
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS salesboard_in_org_currency(numeric, text, timestamptz)');
    await q.query('DROP FUNCTION IF EXISTS salesboard_round_half_even(numeric)');
    await q.query('DROP TABLE IF EXISTS org_currency');
    await q.query(`DELETE FROM import_jobs WHERE kind = 'exchange-rates'`);
    await q.query(`ALTER TABLE import_jobs DROP CONSTRAINT IF EXISTS import_jobs_kind_check`);
    await q.query(`ALTER TABLE import_jobs ADD CONSTRAINT import_jobs_kind_check CHECK (kind IN ('deals','reps','accounts','products','activities'))`);
    await q.query('DROP TABLE IF EXISTS exchange_rates');
  }
}
