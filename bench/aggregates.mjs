#!/usr/bin/env node
/**
 * KPI aggregates benchmark: the cost of applying one logged event to the in-memory aggregates
 * (p50/p99/max µs) at 10k, 100k and 1M deals with 500 reps, next to the same KPIs computed from
 * scratch in SQL over the same deals loaded into a scratch database. Prints numbers; it is not
 * a timed test.
 *
 *   npm run build -w shared && npx tsc -p server/tsconfig.build.json   (once)
 *   node bench/aggregates.mjs [--sizes=10000,100000,1000000] [--sql-max=100000] [--events=20000]
 *
 * SQL runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) in a
 * database it creates and drops. Sizes above --sql-max skip the SQL part (loading 1M rows takes
 * minutes); pass --sql-max=1000000 to include it. Results also go to bench/results/aggregates-*.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'server', 'dist');
const ZONE = 'Asia/Jakarta';
const NOW = new Date('2026-11-18T05:00:00Z');
const DAY = 86_400_000;
const REPS = 500;
const TEAMS = 25;
const TERRITORIES = 10;

function options(argv) {
  const get = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  return {
    sizes: get('sizes', '10000,100000,1000000').split(',').map(Number),
    sqlMax: Number(get('sql-max', '100000')),
    events: Number(get('events', '20000')),
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

async function load() {
  const from = (path) => import(pathToFileURL(join(DIST, path)).href);
  const shared = await import('@salesboard/shared');
  const { KpiAggregates } = await from('kpis/kpi-aggregates.js');
  const { LocalCalendar } = await from('kpis/local-calendar.js');
  const { kpisOf } = await from('kpis/kpi-figures.js');
  const { rankBoards } = await from('kpis/leaderboard-ranking.js');
  const { Init1764300000000 } = await from('database/migrations/1764300000000-Init.js');
  return { shared, KpiAggregates, LocalCalendar, kpisOf, rankBoards, Init1764300000000 };
}

function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (prefix, n) => `${prefix}${n.toString(16).padStart(12, '0')}`;

/** A synthetic organisation and `count` deals over two years, as plain Deal DTOs. */
function syntheticDeals(count, stages, random) {
  const teams = Array.from({ length: TEAMS }, (_, i) => ({ id: uuid('00000000-0000-4000-8000-', i + 1), name: `Team ${i + 1}` }));
  const territories = Array.from({ length: TERRITORIES }, (_, i) => ({ id: uuid('00000000-0000-4000-9000-', i + 1), name: `Territory ${i + 1}` }));
  const reps = Array.from({ length: REPS }, (_, i) => ({
    id: uuid('00000000-0000-4000-a000-', i + 1),
    name: `Rep ${i + 1}`,
    teamId: teams[i % TEAMS].id,
    territoryId: territories[i % TERRITORIES].id,
    active: true,
  }));
  const open = stages.filter((s) => s.kind === 'open');
  const deals = [];
  for (let i = 0; i < count; i++) {
    const rep = reps[Math.floor(random() * REPS)];
    const createdAt = NOW.getTime() - Math.floor(random() * 730 * DAY);
    const roll = random();
    const stage =
      roll < 0.35 ? stages.find((s) => s.kind === 'won') : roll < 0.6 ? stages.find((s) => s.kind === 'lost') : open[Math.floor(random() * open.length)];
    const closedAt = stage.kind === 'open' ? null : Math.min(NOW.getTime(), createdAt + Math.floor(random() * 90 * DAY));
    deals.push({
      id: uuid('00000000-0000-4000-b000-', i + 1),
      ownerId: rep.id,
      teamId: rep.teamId,
      territoryId: rep.territoryId,
      amount: `${Math.floor(random() * 50_000_000) + 100_000}.${String(Math.floor(random() * 100)).padStart(2, '0')}`,
      stage: stage.key,
      forecastCategory: stage.forecastCategory,
      createdAt: new Date(createdAt).toISOString(),
      closedAt: closedAt === null ? null : new Date(closedAt).toISOString(),
      expectedCloseDate: new Date(NOW.getTime() + Math.floor((random() - 0.3) * 180) * DAY).toISOString().slice(0, 10),
      productId: null,
    });
  }
  return { teams, territories, reps, deals };
}

/** Events as the log would carry them, each consistent with the state the ones before left. */
function syntheticEvents(count, org, stages, random) {
  const byKey = new Map(stages.map((s) => [s.key, s]));
  const won = stages.find((s) => s.kind === 'won');
  const open = stages.filter((s) => s.kind === 'open');
  const state = new Map();
  const events = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(NOW.getTime() - Math.floor(random() * 30 * DAY));
    const roll = random();
    if (roll < 0.25) {
      const rep = org.reps[Math.floor(random() * REPS)];
      events.push({
        seq: i + 1,
        type: 'activity.logged',
        at: at.toISOString(),
        payload: { activity: { id: `a${i}`, type: 'call', repId: rep.id, dealId: null, note: null, at: at.toISOString() }, repName: rep.name },
      });
      continue;
    }
    const original = org.deals[Math.floor(random() * org.deals.length)];
    const deal = { ...(state.get(original.id) ?? original) };
    const kind = byKey.get(deal.stage).kind;
    let type = 'deal.updated';
    if (roll < 0.6) {
      const to = kind === 'open' ? (random() < 0.5 ? won : stages.find((s) => s.kind === 'lost')) : open[Math.floor(random() * open.length)];
      deal.stage = to.key;
      deal.forecastCategory = to.forecastCategory;
      deal.closedAt = to.kind === 'open' ? null : at.toISOString();
      type = to.kind === 'won' ? 'deal.won' : to.kind === 'lost' ? 'deal.lost' : 'deal.stageChanged';
    } else if (roll < 0.85) {
      deal.amount = `${Math.floor(random() * 50_000_000) + 100_000}.00`;
    } else {
      const rep = org.reps[Math.floor(random() * REPS)];
      Object.assign(deal, { ownerId: rep.id, teamId: rep.teamId, territoryId: rep.territoryId });
    }
    state.set(deal.id, deal);
    events.push({ seq: i + 1, type, at: at.toISOString(), payload: { deal, from: null, to: deal.stage, changed: [], previous: {} } });
  }
  return events;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Median of `repeat` runs after twenty unmeasured ones, so the JIT has compiled what runs live. */
function time(fn, repeat = 7) {
  for (let i = 0; i < 20; i++) fn();
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const started = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return runs.sort((a, b) => a - b)[Math.floor(repeat / 2)];
}

async function timeAsync(fn, repeat = 5) {
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const started = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return runs.sort((a, b) => a - b)[Math.floor(repeat / 2)];
}

function inMemory(lib, size, eventCount) {
  const { shared, KpiAggregates, LocalCalendar, kpisOf, rankBoards } = lib;
  const random = seeded(size);
  const stages = shared.DEFAULT_STAGES.map((s) => ({ ...s }));
  const org = syntheticDeals(size, stages, random);
  const calendar = new LocalCalendar(ZONE);
  const buildStarted = process.hrtime.bigint();
  const aggregates = new KpiAggregates(calendar, stages, new shared.RateTable('IDR', []));
  for (const team of org.teams) aggregates.upsertTeam({ ...team, createdDay: 0 });
  for (const territory of org.territories) aggregates.upsertTerritory({ ...territory, createdDay: 0 });
  for (const rep of org.reps) aggregates.upsertRep({ ...rep, createdDay: 0 });
  for (const deal of org.deals) aggregates.applyDeal(deal.id, aggregates.factsOfDeal(deal));
  const buildMs = Number(process.hrtime.bigint() - buildStarted) / 1e6;

  const events = syntheticEvents(eventCount, org, stages, random);
  // Every event is timed; the first tenth (JIT warm-up, first calendar lookups) is left out of the percentiles.
  const samples = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const started = process.hrtime.bigint();
    aggregates.apply(events[i]);
    samples[i] = Number(process.hrtime.bigint() - started) / 1e3;
  }
  const measured = Array.from(samples.subarray(Math.floor(events.length / 10))).sort((a, b) => a - b);
  const month = shared.resolvePeriod({ period: 'month', now: NOW, timeZone: ZONE });
  const year = shared.resolvePeriod({ period: 'year', now: NOW, timeZone: ZONE });
  const today = calendar.today(NOW);
  return {
    org,
    result: {
      deals: size,
      buildMs,
      heapMb: process.memoryUsage().heapUsed / 1e6,
      applyP50Us: percentile(measured, 50),
      applyP99Us: percentile(measured, 99),
      applyMaxUs: measured[measured.length - 1],
      kpisMonthAllMs: time(() => kpisOf(aggregates, { kind: 'all' }, month)),
      kpisYearAllMs: time(() => kpisOf(aggregates, { kind: 'all' }, year)),
      boardsMonthMs: time(() => rankBoards(aggregates, 'reps', { kind: 'all' }, month, today)),
    },
  };
}

/** The same organisation and deals in a scratch database, and the same KPIs computed from scratch there. */
async function fromScratchInSql(lib, org, databaseUrl) {
  const name = `sb_bench_${process.pid}_${org.deals.length}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await new lib.Init1764300000000().up({ query: (sql, params) => client.query(sql, params) });
    await client.query('INSERT INTO teams (id, name) SELECT * FROM unnest($1::uuid[], $2::text[])', [org.teams.map((t) => t.id), org.teams.map((t) => t.name)]);
    await client.query('INSERT INTO territories (id, name, region) SELECT a, b, b FROM unnest($1::uuid[], $2::text[]) AS x(a, b)', [
      org.territories.map((t) => t.id),
      org.territories.map((t) => t.name),
    ]);
    await client.query(
      `INSERT INTO reps (id, name, email, team_id, territory_id) SELECT a, b, b || '@bench.example', c, d FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[]) AS x(a, b, c, d)`,
      [org.reps.map((r) => r.id), org.reps.map((r) => r.name), org.reps.map((r) => r.teamId), org.reps.map((r) => r.territoryId)],
    );
    const loadStarted = Date.now();
    for (let i = 0; i < org.deals.length; i += 50_000) {
      const batch = org.deals.slice(i, i + 50_000);
      await client.query(
        `INSERT INTO deals (id, source, name, owner_id, amount, currency, stage, created_at, closed_at, expected_close_date, stage_entered_at, updated_at)
         SELECT id, 'api', 'Bench deal', owner, amount, 'IDR', stage, created, closed, expected, created, created
           FROM unnest($1::uuid[], $2::uuid[], $3::numeric[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::date[]) AS x(id, owner, amount, stage, created, closed, expected)`,
        [
          batch.map((d) => d.id),
          batch.map((d) => d.ownerId),
          batch.map((d) => d.amount),
          batch.map((d) => d.stage),
          batch.map((d) => d.createdAt),
          batch.map((d) => d.closedAt),
          batch.map((d) => d.expectedCloseDate),
        ],
      );
    }
    await client.query('ANALYZE');
    const loadMs = Date.now() - loadStarted;
    const params = [NOW.toISOString(), ZONE];
    const kpisMonthAllMs = await timeAsync(() => client.query(SQL_KPIS, [...params, 'month']));
    const kpisYearAllMs = await timeAsync(() => client.query(SQL_KPIS, [...params, 'year']));
    const boardsMonthMs = await timeAsync(() => client.query(SQL_BOARD, [...params, 'month']));
    return { loadMs, kpisMonthAllMs, kpisYearAllMs, boardsMonthMs };
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const SQL_BOUNDS = `
  bounds AS (
    SELECT (first::timestamp AT TIME ZONE $2) AS start_at, ((first + span)::timestamp AT TIME ZONE $2) AS end_at,
           ((first - span)::timestamp AT TIME ZONE $2) AS prev_at, first, (first + span)::date - 1 AS last
      FROM (SELECT date_trunc($3, ($1::timestamptz AT TIME ZONE $2))::date AS first,
                   CASE $3 WHEN 'month' THEN interval '1 month' ELSE interval '1 year' END AS span) p)`;

/** The organisation's KPI totals for a period, from scratch: what one `kpisOf` answers from memory. */
const SQL_KPIS = `
  WITH ${SQL_BOUNDS}
  SELECT sum(d.amount) FILTER (WHERE s.kind = 'won' AND d.closed_at >= b.start_at AND d.closed_at < b.end_at) AS revenue,
         count(*) FILTER (WHERE s.kind = 'won' AND d.closed_at >= b.start_at AND d.closed_at < b.end_at) AS won,
         count(*) FILTER (WHERE s.kind = 'lost' AND d.closed_at >= b.start_at AND d.closed_at < b.end_at) AS lost,
         sum(d.amount) FILTER (WHERE s.kind = 'won' AND d.closed_at >= b.prev_at AND d.closed_at < b.start_at) AS previous,
         avg(extract(epoch FROM d.closed_at - d.created_at)) FILTER (WHERE s.kind = 'won' AND d.closed_at >= b.start_at AND d.closed_at < b.end_at) AS cycle,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.closed_at - d.created_at))
           FILTER (WHERE s.kind = 'won' AND d.closed_at >= b.start_at AND d.closed_at < b.end_at) AS cycle_median,
         count(*) FILTER (WHERE s.kind = 'open') AS open_count,
         sum(d.amount) FILTER (WHERE s.kind = 'open') AS open_pipeline,
         sum(d.amount * s.probability) FILTER (WHERE s.kind = 'open') AS weighted,
         sum(d.amount) FILTER (WHERE s.kind = 'open' AND d.expected_close_date BETWEEN b.first AND b.last) AS closing,
         sum(d.amount) FILTER (WHERE s.kind = 'open' AND d.expected_close_date BETWEEN b.first AND b.last AND s.forecast_category = 'commit') AS commit
    FROM deals d JOIN stages s ON s.key = d.stage, bounds b`;

/** Every rep ranked by revenue for the period, from scratch: one board of the live set. */
const SQL_BOARD = `
  WITH ${SQL_BOUNDS}
  SELECT r.id, r.name, COALESCE(sum(d.amount), 0) AS revenue, count(d.id) AS won,
         row_number() OVER (ORDER BY COALESCE(sum(d.amount), 0) DESC, r.name COLLATE "C", r.id) AS rank
    FROM reps r CROSS JOIN bounds b
    LEFT JOIN deals d ON d.owner_id = r.id AND d.stage = 'won' AND d.closed_at >= b.start_at AND d.closed_at < b.end_at
   WHERE r.active GROUP BY r.id, r.name`;

function table(rows) {
  const fmt = (value, digits = 1) => (value === undefined || value === null ? '—' : Number(value).toFixed(digits));
  const header = [
    'deals',
    'apply p50 µs',
    'apply p99 µs',
    'apply max µs',
    'mem kpis month ms',
    'mem kpis year ms',
    'mem 5 boards ms',
    'SQL kpis month ms',
    'SQL kpis year ms',
    'SQL 1 board ms',
    'build ms',
    'heap MB',
  ];
  const lines = rows.map((r) => [
    r.deals.toLocaleString('en-US'),
    fmt(r.applyP50Us),
    fmt(r.applyP99Us),
    fmt(r.applyMaxUs, 0),
    fmt(r.kpisMonthAllMs, 2),
    fmt(r.kpisYearAllMs, 2),
    fmt(r.boardsMonthMs, 2),
    fmt(r.sql?.kpisMonthAllMs),
    fmt(r.sql?.kpisYearAllMs),
    fmt(r.sql?.boardsMonthMs),
    fmt(r.buildMs, 0),
    fmt(r.heapMb, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

export async function runAggregatesBench(argv = []) {
  const opts = options(argv);
  const lib = await load();
  const results = [];
  for (const size of opts.sizes) {
    const { org, result } = inMemory(lib, size, opts.events);
    if (size <= opts.sqlMax) result.sql = await fromScratchInSql(lib, org, opts.databaseUrl);
    results.push(result);
    console.error(`done: ${size} deals`);
  }
  return { options: { ...opts, databaseUrl: undefined, reps: REPS, zone: ZONE }, results };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runAggregatesBench(process.argv.slice(2));
  console.log(table(report.results));
  const p99 = report.results.map((r) => r.applyP99Us);
  console.log(`\napply p99, largest ÷ smallest size: ${(Math.max(...p99) / Math.min(...p99)).toFixed(2)}× (target: ≤ 1000 µs, flat within 2×)`);
  for (const r of report.results) if (!r.sql) console.log(`SQL for ${r.deals.toLocaleString('en-US')} deals skipped (--sql-max=${report.options.sqlMax})`);
  const out = join(ROOT, 'bench', 'results', `aggregates-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2));
}
