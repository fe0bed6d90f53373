/**
 * The leaderboard and KPI exports hold exactly what the JSON routes answer for the same query and
 * the same caller: an admin, and a rep who may see their own figures only.
 */
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { Kpis, KpisResponse, LeaderboardResponse } from '@salesboard/shared';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { bootIngestApp, fixture, type IngestTestApp } from './fixtures/ingest-app.js';

const PASSWORD = 'a long enough rep password';
type Agent = ReturnType<typeof request.agent>;

/** A cell as the JSON value it stands for is written: null as empty, everything else as its text. */
const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));
/** A name as a spreadsheet must not run it: a formula's first character behind an apostrophe. */
const guarded = (name: string) => (/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);

function flatKpis(kpis: Kpis): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(kpis)) {
    if (value !== null && typeof value === 'object') for (const [sub, v] of Object.entries(value)) out.push([`${key}.${sub}`, cell(v)]);
    else out.push([key, cell(value)]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('leaderboard and KPI exports', () => {
  let t: IngestTestApp;
  let org: Org;
  let rep: Agent;

  const csv = (text: string) => parse(text, { bom: true }) as string[][];
  /** The JSON answer and the CSV export of one query, for one caller. */
  const both = async (api: Agent, json: string, query: Record<string, string>) => {
    const answer = await api.get(`/api/${json}`).query(query);
    const download = await api.get(`/api/export/${json}.csv`).query(query);
    return { answer, download };
  };

  beforeAll(async () => {
    t = await bootIngestApp();
    org = await createOrg(t.api);
    await t.api.post('/api/import/deals').attach('file', fixture('hubspot-deals.csv'), 'deals.csv').expect(201);
    await t.api.post('/api/import/activities').attach('file', fixture('hubspot-calls.csv'), 'calls.csv').expect(201);
    // A rep whose name a spreadsheet would run as a formula, with a deal won this month.
    const odd = (await t.api.post('/api/reps').send({ name: '=HYPERLINK("http://x")', email: 'odd@example.co.id', teamId: org.team.id }).expect(201)).body as {
      id: string;
    };
    const deal = await createDeal(t.api, odd.id, { amount: '500000' });
    await t.api.post(`/api/deals/${deal.id}/stage`).send({ stage: 'won' }).expect(200);
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: org.reps[0].id, password: PASSWORD }).expect(201);
    const login = await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: PASSWORD }).expect(200);
    rep = request.agent(t.baseUrl).set('Authorization', `Bearer ${login.body.accessToken as string}`);
  });
  afterAll(async () => t.close());

  it.each([
    ['this month by revenue', {}],
    ['a custom period by won deals', { from: '2026-01-01', to: '2026-06-30', metric: 'won' }],
    ['teams by activities', { period: 'year', entity: 'teams', metric: 'activities' }],
    ['a territory by win rate', { from: '2026-03-01', to: '2026-04-30', metric: 'winRate', territoryId: 'TERRITORY' }],
  ])('exports the leaderboard of %s as GET /api/leaderboard answers it', async (_, query: Record<string, string>) => {
    if (query.territoryId) query = { ...query, territoryId: org.territory.id };
    const { answer, download } = await both(t.api, 'leaderboard', query);
    expect(answer.status).toBe(200);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^text\/csv/);
    expect(download.headers['content-disposition']).toBe('attachment; filename="leaderboard.csv"');
    expect(download.text.startsWith('\uFEFF')).toBe(true);
    const board = answer.body as LeaderboardResponse;
    const [header, ...rows] = csv(download.text);
    expect(header).toEqual(['Rank', 'ID', 'Name', 'Value', 'Movement', 'Metric', 'Entity', 'Scope', 'Period From', 'Period To']);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      board.rows.map((r) => [
        cell(r.rank),
        r.id,
        guarded(r.name),
        cell(r.value),
        cell(r.movement),
        board.metric,
        board.entity,
        board.scope,
        board.period.from,
        board.period.to,
      ]),
    );
  });

  it('exports every KPI, the funnel and the team and territory breakdowns with the figures of GET /api/kpis', async () => {
    const query = { from: '2026-03-01', to: '2026-04-30' };
    const { answer, download } = await both(t.api, 'kpis', query);
    expect(download.status).toBe(200);
    const json = answer.body as KpisResponse;
    expect(json.kpis.won).toBeGreaterThan(0);
    expect(json.kpis.activities.total).toBe(4);
    const [header, ...rows] = csv(download.text);
    expect(header).toEqual(['Section', 'Scope', 'Scope ID', 'Key', 'Label', 'Value', 'Unit', 'Period From', 'Period To']);
    expect(new Set(rows.map((r) => `${r[7]}..${r[8]}`))).toEqual(new Set(['2026-03-01..2026-04-30']));

    const section = (name: string, scopeId: string | null) => rows.filter((r) => r[0] === name && r[2] === (scopeId ?? ''));
    const figures = (list: string[][]) => list.filter((r) => !r[3].startsWith('stuck.')).map((r): [string, string] => [r[3], r[5]]);
    const organisation = section('kpi', json.scope.id);
    expect(organisation.every((r) => r[1] === json.scope.name)).toBe(true);
    expect(figures(organisation).sort(([a], [b]) => (a < b ? -1 : 1))).toEqual(flatKpis(json.kpis));
    expect(organisation.find((r) => r[3] === 'revenue')).toEqual([
      'kpi',
      json.scope.name,
      '',
      'revenue',
      'Revenue',
      json.kpis.revenue,
      'IDR',
      '2026-03-01',
      '2026-04-30',
    ]);
    expect(organisation.filter((r) => r[3].startsWith('stuck.')).map((r) => r[5])).toEqual([cell(json.stuck.count), json.stuck.amount]);
    expect(rows.filter((r) => r[0] === 'funnel').map((r) => [r[3], r[5]])).toEqual(
      json.funnel.flatMap((f) => [
        [`funnel.${f.stage}.reached`, cell(f.reached)],
        [`funnel.${f.stage}.progressed`, cell(f.progressed)],
      ]),
    );
    expect(json.breakdowns.teams.length + json.breakdowns.territories.length).toBeGreaterThan(0);
    for (const [name, list] of [
      ['team', json.breakdowns.teams],
      ['territory', json.breakdowns.territories],
    ] as const) {
      for (const row of list) {
        const lines = section(name, row.id);
        expect(lines.every((r) => r[1] === row.name)).toBe(true);
        expect(figures(lines).sort(([a], [b]) => (a < b ? -1 : 1))).toEqual(flatKpis(row.kpis));
      }
    }
  });

  it('guards names that look like formulas, as the deals export does', async () => {
    const download = await t.api.get('/api/export/leaderboard.csv').expect(200);
    expect(csv(download.text)[1].slice(0, 4)).toEqual(['1', expect.any(String), `'=HYPERLINK("http://x")`, '500000.00']);
    const kpis = await t.api.get('/api/export/kpis.csv').query({ teamId: org.team.id }).expect(200);
    const scopes = new Set(
      csv(kpis.text)
        .filter((r) => r[0] === 'rep')
        .map((r) => r[1]),
    );
    expect(scopes).toEqual(new Set(['Rep 1', 'Rep 2', `'=HYPERLINK("http://x")`]));
  });

  it('gives a rep what the JSON routes give a rep: their own figures and everyone’s standing, and the same refusal for the rest', async () => {
    await rep.get('/api/export/kpis.csv').query({ repId: org.reps[0].id }).expect(200);
    const queries: Record<string, string>[] = [
      { repId: org.reps[0].id, from: '2026-03-01', to: '2026-04-30' },
      { repId: org.reps[1].id },
      {},
      { teamId: org.team.id },
    ];
    for (const query of queries) {
      const { answer, download } = await both(rep, 'kpis', query);
      expect([query, download.status]).toEqual([query, answer.status]);
      if (answer.status !== 200) {
        expect(download.body).toEqual(answer.body);
        continue;
      }
      const json = answer.body as KpisResponse;
      const rows = csv(download.text).slice(1);
      expect(
        rows
          .filter((r) => r[0] === 'kpi' && !r[3].startsWith('stuck.'))
          .map((r): [string, string] => [r[3], r[5]])
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      ).toEqual(flatKpis(json.kpis));
      // A rep's scope has no breakdowns: no one else's figures are in the file.
      expect(rows.filter((r) => !['kpi', 'funnel'].includes(r[0]))).toEqual([]);
    }
    // The leaderboard is everyone's standing, for reps too.
    const { answer, download } = await both(rep, 'leaderboard', { period: 'year' });
    expect(download.status).toBe(answer.status);
    expect(
      csv(download.text)
        .slice(1)
        .map((r) => [r[1], r[3]]),
    ).toEqual((answer.body as LeaderboardResponse).rows.map((r) => [r.id, cell(r.value)]));
  });

  it('refuses a bad query with a 400 naming the field, as the JSON routes do', async () => {
    const bad = await t.api.get('/api/export/kpis.csv').query({ period: 'fortnight' }).expect(400);
    expect(bad.body.message).toMatch(/^period: "fortnight" is not one of/);
    const worse = await t.api.get('/api/export/leaderboard.csv').query({ metric: 'profit' }).expect(400);
    expect(worse.body.message).toMatch(/^metric: "profit" is not one of/);
  });
});
