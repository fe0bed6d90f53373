/**
 * Random deals in three currencies (IDR, the organisation's, plus USD and SGD) at random rates over
 * random dates, brought in by a CSV import and then moved through REST, and every money figure the
 * server answers (revenue, pipeline, weighted pipeline, forecast, average deal, leaderboards,
 * breakdowns) compared with SQL written here: each deal converted at the rate in effect on its
 * close day (today while open) with half-even rounding to the cent, spelled out in this file and
 * sharing nothing with the server's own conversion. Counts and win rate are the currency-blind check.
 */
import { fromMinor, type ImportJob, type KpisResponse, type LeaderboardResponse, localDateOf } from '@salesboard/shared';
import { seededRandom } from '../src/demo/demo-data.js';
import { bootTestApp, type TestApp } from './support/app.js';

const ZONE = 'Asia/Jakarta';
const SEED = Number(process.env.FX_RANDOM_SEED ?? 4217);
const ROWS = Number(process.env.FX_RANDOM_ROWS ?? 240);
const STAGES = ['Lead', 'Qualified', 'Demo', 'Proposal', 'Negotiation', 'Won', 'Lost'];
const DAY_MS = 86_400_000;

/** Each deal with its amount in IDR, converted here: the latest rate starting on or before its day, rounded half to even. */
const CONVERTED = `
  converted AS (
    SELECT d.*, s.kind, s.probability, COALESCE(d.forecast_override, s.forecast_category) AS category, r.team_id,
           CASE WHEN trim(d.currency) = 'IDR' THEN d.amount ELSE (
             SELECT CASE WHEN x - floor(x) = 0.5 THEN floor(x) + mod(floor(x), 2) ELSE round(x) END / 100
               FROM (SELECT d.amount * fx.rate * 100 AS x FROM exchange_rates fx
                      WHERE fx.currency = trim(d.currency) AND fx.valid_from <= (COALESCE(d.closed_at, now()) AT TIME ZONE '${ZONE}')::date
                      ORDER BY fx.valid_from DESC LIMIT 1) product) END AS idr
      FROM deals d JOIN stages s ON s.key = d.stage JOIN reps r ON r.id = d.owner_id)`;

/** The figures of one period ($1, $2: first and last local day) and scope ($3: a team id, or null for all). */
const FIGURES_SQL = `
  WITH ${CONVERTED},
  scoped AS (SELECT * FROM converted WHERE $3::uuid IS NULL OR team_id = $3::uuid),
  closed AS (SELECT * FROM scoped WHERE kind <> 'open' AND (closed_at AT TIME ZONE '${ZONE}')::date BETWEEN $1::date AND $2::date),
  open AS (SELECT * FROM scoped WHERE kind = 'open'),
  closing AS (SELECT * FROM open WHERE expected_close_date BETWEEN $1::date AND $2::date)
  SELECT
    (SELECT COALESCE(sum(idr), 0)::text FROM closed WHERE kind = 'won') AS revenue,
    (SELECT count(*)::int FROM closed WHERE kind = 'won') AS won,
    (SELECT count(*)::int FROM closed WHERE kind = 'lost') AS lost,
    (SELECT COALESCE(sum(idr), 0)::text FROM open) AS open_pipeline,
    (SELECT COALESCE(round(sum(idr * probability) / 100, 2), 0)::text FROM open) AS weighted_pipeline,
    (SELECT COALESCE(sum(idr), 0)::text FROM closing WHERE category = 'commit') AS commit_open,
    (SELECT COALESCE(sum(idr), 0)::text FROM closing WHERE category = 'best_case') AS best_case_open`;

const REP_REVENUE_SQL = `
  WITH ${CONVERTED}
  SELECT owner_id AS id, COALESCE(sum(idr), 0)::text AS revenue FROM converted
   WHERE kind = 'won' AND (closed_at AT TIME ZONE '${ZONE}')::date BETWEEN $1::date AND $2::date GROUP BY owner_id`;

const money = (text: string) => fromMinor(toMinorExact(text));
/** Decimal text → minor units without a float: the SQL sums above are exact decimals. */
function toMinorExact(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

describe(`figures over ${ROWS} random deals in IDR, USD and SGD, against SQL that converts each deal itself`, () => {
  let t: TestApp;
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const today = localDateOf(new Date(), ZONE);
  const dayBefore = (days: number) => localDateOf(new Date(Date.now() - days * DAY_MS), ZONE);
  const teamIds: string[] = [];
  const repIds: string[] = [];
  let expectedRejected = 0;
  let job: ImportJob;

  beforeAll(async () => {
    t = await bootTestApp();
    const repEmails: string[] = [];
    for (const team of ['Jakarta Raya', 'Surabaya']) {
      const created = (
        await t.api
          .post('/api/teams')
          .send({ name: `${team} FX` })
          .expect(201)
      ).body as { id: string };
      teamIds.push(created.id);
      for (let i = 1; i <= 3; i++) {
        const email = `fx-${teamIds.length}-${i}@example.co.id`;
        const rep = (
          await t.api
            .post('/api/reps')
            .send({ name: `FX Rep ${teamIds.length}.${i}`, email, teamId: created.id })
            .expect(201)
        ).body as { id: string };
        repIds.push(rep.id);
        repEmails.push(email);
      }
    }
    // Rates at random days; each currency's first rate starts some 400 days back, so older closes have none.
    const firstRate = new Map<string, string>();
    for (const [currency, base] of [
      ['USD', 15800],
      ['SGD', 11700],
    ] as const) {
      const days = new Set([400, ...Array.from({ length: 8 }, () => Math.floor(random() * 400))]);
      for (const back of days) {
        const rate = (base * (0.9 + random() * 0.2)).toFixed(Math.floor(random() * 7));
        await t.api
          .put(`/api/exchange-rates/${currency}/${dayBefore(back)}`)
          .send({ rate })
          .expect(200);
      }
      firstRate.set(currency, dayBefore(400));
    }

    const lines = ['Ref,Title,Stage,Amount,Currency,Owner,Close Date,Create Date'];
    for (let i = 0; i < ROWS; i++) {
      const stage = pick(STAGES);
      const currency = pick(['IDR', 'USD', 'SGD']);
      // Amounts with cents, of every size, a few exactly on a half cent once converted.
      const amount = `${Math.floor(random() * 10 ** (2 + Math.floor(random() * 7)))}.${String(Math.floor(random() * 100)).padStart(2, '0')}`;
      const closed = stage === 'Won' || stage === 'Lost';
      const closeDay = closed ? dayBefore(Math.floor(random() * 460)) : localDateOf(new Date(Date.now() + (random() * 200 - 60) * DAY_MS), ZONE);
      const createDay = closed ? closeDay : dayBefore(Math.floor(random() * 30));
      if (closed && currency !== 'IDR' && closeDay < firstRate.get(currency)!) expectedRejected++;
      lines.push([`fx-${i}`, `FX deal ${i}`, stage, amount, currency, pick(repEmails), closeDay, createDay].join(','));
    }
    const mapping = {
      columns: {
        externalId: 'Ref',
        name: 'Title',
        stage: 'Stage',
        amount: 'Amount',
        currency: 'Currency',
        owner: 'Owner',
        closeDate: 'Close Date',
        createdAt: 'Create Date',
      },
    };
    job = (
      await t.api
        .post('/api/import/deals')
        .field('mapping', JSON.stringify(mapping))
        .attach('file', Buffer.from(lines.join('\n')), 'fx.csv')
        .expect(201)
    ).body as ImportJob;

    // Then the live path: wins today, new amounts and currencies on open deals, through REST one event at a time.
    const open = await t.db.query<{ id: string }>("SELECT d.id FROM deals d JOIN stages s ON s.key = d.stage WHERE s.kind = 'open' ORDER BY d.external_id");
    for (const [i, { id }] of open.slice(0, 45).entries()) {
      if (i % 3 === 0) await t.api.post(`/api/deals/${id}/stage`).send({ stage: 'won' }).expect(200);
      else if (i % 3 === 1)
        await t.api
          .patch(`/api/deals/${id}`)
          .send({ amount: `${Math.floor(random() * 1e6)}.${Math.floor(random() * 10)}5` })
          .expect(200);
      else
        await t.api
          .patch(`/api/deals/${id}`)
          .send({ currency: pick(['IDR', 'USD', 'SGD']) })
          .expect(200);
    }
  }, 120_000);
  afterAll(async () => t.close());

  it('rejected exactly the rows closed before their currency had a rate, and kept deals won, lost and open in all three currencies', async () => {
    expect(expectedRejected).toBeGreaterThan(0);
    expect(job).toMatchObject({ created: ROWS - expectedRejected, rejected: expectedRejected });
    const mix = await t.db.query<{ currency: string; kind: string; n: number }>(
      'SELECT trim(d.currency) AS currency, s.kind, count(*)::int AS n FROM deals d JOIN stages s ON s.key = d.stage GROUP BY 1, 2 ORDER BY 1, 2',
    );
    expect(mix.map((m) => `${m.currency} ${m.kind}`)).toEqual([
      'IDR lost',
      'IDR open',
      'IDR won',
      'SGD lost',
      'SGD open',
      'SGD won',
      'USD lost',
      'USD open',
      'USD won',
    ]);
  });

  for (const period of ['today', 'month', 'quarter', 'year']) {
    it(`answers every money figure of ${period}, for all and per team, as the SQL converts it`, async () => {
      for (const teamId of [null, ...teamIds]) {
        const answer = (await t.api.get(`/api/kpis?period=${period}${teamId ? `&teamId=${teamId}` : ''}`).expect(200)).body as KpisResponse;
        const [row] = await t.db.query<Record<string, string | number>>(FIGURES_SQL, [answer.period.from, answer.period.to, teamId]);
        const revenue = money(String(row.revenue));
        const won = Number(row.won);
        const lost = Number(row.lost);
        expect({
          revenue: answer.kpis.revenue,
          won: answer.kpis.won,
          lost: answer.kpis.lost,
          winRate: answer.kpis.winRate,
          openPipeline: answer.kpis.openPipeline,
          weightedPipeline: answer.kpis.weightedPipeline,
          closed: answer.kpis.forecast.closed,
          commit: answer.kpis.forecast.commit,
          bestCase: answer.kpis.forecast.bestCase,
        }).toEqual({
          revenue,
          won,
          lost,
          winRate: won + lost === 0 ? null : won / (won + lost),
          openPipeline: money(String(row.open_pipeline)),
          weightedPipeline: money(String(row.weighted_pipeline)),
          closed: revenue,
          commit: fromMinor(toMinorExact(revenue) + toMinorExact(String(row.commit_open))),
          bestCase: fromMinor(toMinorExact(revenue) + toMinorExact(String(row.commit_open)) + toMinorExact(String(row.best_case_open))),
        });
        if (teamId === null) {
          // The breakdown per rep and the revenue leaderboard: each rep's revenue in IDR.
          const expected = new Map(
            (await t.db.query<{ id: string; revenue: string }>(REP_REVENUE_SQL, [answer.period.from, answer.period.to])).map((r) => [r.id, money(r.revenue)]),
          );
          for (const rep of answer.breakdowns.reps.filter((r) => repIds.includes(r.id)))
            expect([rep.id, rep.kpis.revenue]).toEqual([rep.id, expected.get(rep.id) ?? '0.00']);
          const board = (await t.api.get(`/api/leaderboard?metric=revenue&period=${period}`).expect(200)).body as LeaderboardResponse;
          for (const entry of board.rows.filter((r) => repIds.includes(r.id)))
            expect([entry.id, entry.value]).toEqual([entry.id, expected.get(entry.id) ?? '0.00']);
        }
      }
    });
  }

  it('keeps the same figures after the aggregates are rebuilt from the database by a rate change', async () => {
    // runRate moves with the clock between the two reads; everything else must not move at all.
    const figures = async () => {
      const { kpis } = (await t.api.get('/api/kpis?period=year').expect(200)).body as KpisResponse;
      return { ...kpis, forecast: { ...kpis.forecast, runRate: null } };
    };
    const before = await figures();
    const check = (await t.api.get('/api/kpis/check').expect(200)).body as { ok: boolean; differences: unknown[] };
    expect(check.differences).toEqual([]);
    // A rate for a currency no deal uses: a rebuild that must change nothing.
    await t.api.put(`/api/exchange-rates/JPY/${today}`).send({ rate: '105.5' }).expect(200);
    expect(await figures()).toEqual(before);
  });
});
