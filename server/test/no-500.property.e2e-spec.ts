/**
 * Issue #13, property-based: whatever a caller sends to a route — values near the shared schemas'
 * shapes mixed with hostile ones (NUL, huge and negative numbers, long strings, dates outside the
 * range or the calendar, wrong types, extra fields, unicode) — the answer is never a 500, and a
 * refused request (4xx) leaves every table and the event log as they were.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { CAST_PASSWORD, login } from './support/cast.js';
import { postHubSpot } from './support/hubspot.js';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
const PIPEDRIVE = { user: 'pipedrive-hook', password: 'pipedrive-hook-password' };
/** Per route: enough to meet each hostile value in most fields, while the file stays near a minute. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

/** Everything a request could write, in one query so each run costs two round trips, not twenty. */
const STATE_SQL = `SELECT ${[
  'deals',
  'stage_history',
  'activities',
  'leads',
  'quotas',
  'teams',
  'territories',
  'reps',
  'accounts',
  'products',
  'users',
  'api_keys',
  'boards',
  'stages',
  'audit_log',
  'webhook_deliveries',
  'crm_property_clock',
  'crm_stage_map',
  'crm_owner_map',
  'import_jobs',
]
  .map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`)
  .join(', ')}, (SELECT seq FROM event_seq)::int AS seq, (SELECT md5(string_agg(d::text, '' ORDER BY d.id)) FROM deals d) AS deals_digest`;

// ---- values -------------------------------------------------------------------------------

const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'PT Maju\u0000Jaya',
  '0000-01-01',
  '0001-01-01',
  '2026-02-30',
  '1969-12-31',
  '2101-01-01',
  '9999-12-31',
  '0000-01-01T00:00:00Z',
  '2026-02-30T10:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'NaN',
  '-1',
  '1e308',
  '99999999999999999999.99',
  '💰 Rp 1.500.000',
  '\ud800',
  "'; DROP TABLE deals; --",
];

const hostileString = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
  fc.constantFrom('x'.repeat(5_000), 'é'.repeat(70_000)),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 0.001, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 63, 8.64e15, -8.64e15),
  fc.integer(),
  fc.double(),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1, maxKeys: 3 }),
);

const dateLike = fc.oneof(
  fc.constantFrom('2026-03-01', '2026-02-28', '2026-02-30', '2024-02-29', '0000-01-01', '1970-01-01', '2100-12-31', '2101-01-01'),
  fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);
const instantLike = fc.oneof(
  fc.constantFrom('2026-03-01T03:00:00Z', '2026-02-30T03:00:00Z', '0000-01-01T00:00:00Z', '2100-12-31T23:59:59+07:00', '2101-01-01T00:00:00Z'),
  fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }).map((d) => d.toISOString()),
);
const money = fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom('1500000.50', '0', '1.234', '-5', '1e5', '999999999999999999999'));
const stageKey = fc.constantFrom('lead', 'qualified', 'proposal', 'won', 'lost', 'nope', 'Won!');
const name = fc.string({ minLength: 1, maxLength: 30 });
const email = fc.emailAddress();

/** A value for a field: usually one that fits, else anything. */
const maybe = (fits: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: fits, weight: 2 }, { arbitrary: hostile, weight: 1 });
/** A body of some of `fields` (each fitting or hostile), at times with an unknown one; at times not an object at all. */
function bodyOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const partial = fc.record(Object.fromEntries(Object.entries(fields).map(([key, fits]) => [key, maybe(fits)])), { requiredKeys: [] });
  return fc.oneof(
    { arbitrary: partial, weight: 8 },
    { arbitrary: fc.tuple(partial, fc.string({ minLength: 1, maxLength: 10 }), hostile).map(([body, key, value]) => ({ ...body, [key]: value })), weight: 1 },
    { arbitrary: hostile, weight: 1 },
  );
}
/**
 * A body as JSON text: superagent's send() refuses a bare number or boolean, which a client
 * can still send, so the app gets whatever JSON was generated.
 */
function json(body: unknown): string {
  return JSON.stringify(body) ?? 'null';
}

/** Query strings are strings: fitting values, or hostile ones as text. */
function queryOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Partial<Record<string, string>>> {
  // A lone surrogate cannot be percent-encoded at all: the client would throw before sending.
  const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(/\p{Cs}/gu, '\ufffd');
  return fc.record(Object.fromEntries(Object.entries(fields).map(([key, fits]) => [key, maybe(fits).map(asText)])), { requiredKeys: [] });
}

// ---- the app --------------------------------------------------------------------------------

describe('no input gets a 500, and a refused one writes nothing (issue #13)', () => {
  let t: IngestTestApp;
  let org: Org;
  let ids: { rep: string; otherRep: string; deal: string; team: string; territory: string; user: string; unknown: string };
  let rep: ReturnType<typeof request.agent>;
  const found: string[] = [];

  beforeAll(async () => {
    t = await bootIngestApp({ HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET, PIPEDRIVE_WEBHOOK_USER: PIPEDRIVE.user, PIPEDRIVE_WEBHOOK_PASSWORD: PIPEDRIVE.password });
    org = await createOrg(t.api);
    const user = await t.api
      .post('/api/users')
      .send({ email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: org.reps[0].id, password: CAST_PASSWORD })
      .expect(201);
    rep = request.agent(t.baseUrl).set('Authorization', `Bearer ${await login(t.baseUrl, 'ayu@example.co.id')}`);
    const deal = await createDeal(t.api, org.reps[0].id);
    ids = {
      rep: org.reps[0].id,
      otherRep: org.reps[1].id,
      deal: deal.id,
      team: org.team.id,
      territory: org.territory.id,
      user: user.body.id as string,
      unknown: randomUUID(),
    };
    await t.api
      .put('/api/webhooks/pipedrive/stage-map')
      .send({ stages: { '1': 'lead' }, defaultOwnerId: ids.rep })
      .expect(200);
  });
  afterAll(async () => {
    // What the properties found on the way (a shrunk counterexample is in the failure itself).
    if (found.length) console.warn(found.join('\n'));
    await t.close();
  });

  const id = () => fc.constantFrom(ids.rep, ids.otherRep, ids.deal, ids.team, ids.territory, ids.unknown, 'not-a-uuid');
  const state = async () => (await t.db.query(STATE_SQL))[0];

  /** Runs `send` over generated inputs: never 5xx; a 4xx changes nothing. */
  async function holds<T>(route: string, input: fc.Arbitrary<T>, send: (value: T) => request.Test): Promise<void> {
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const before = await state();
        const response = await send(value);
        if (response.status >= 500) found.push(`${route} ${response.status}: ${JSON.stringify(response.body)}`);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(await state()).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  }

  describe('writes', () => {
    it('POST /api/deals, as an admin and as a rep', async () => {
      const deal = () =>
        bodyOf({
          name,
          ownerId: id(),
          amount: money,
          currency: fc.constantFrom('IDR', 'USD', 'idr', 'RP'),
          stage: stageKey,
          expectedCloseDate: dateLike,
          forecastOverride: fc.constantFrom('commit', 'best_case', 'pipeline', 'omitted', 'x'),
          source: fc.constantFrom('manual', 'api', 'hubspot', 'x'),
          externalId: name,
        });
      await holds('POST /api/deals (admin)', deal(), (body) => t.api.post('/api/deals').type('json').send(json(body)));
      await holds('POST /api/deals (rep)', deal(), (body) => rep.post('/api/deals').type('json').send(json(body)));
    });

    it('PATCH /api/deals/:id and POST /api/deals/:id/stage', async () => {
      await holds(
        'PATCH /api/deals/:id',
        fc.tuple(id(), bodyOf({ name, ownerId: id(), amount: money, expectedCloseDate: dateLike, forecastOverride: fc.constantFrom('commit', null) })),
        ([dealId, body]) => t.api.patch(`/api/deals/${dealId}`).type('json').send(json(body)),
      );
      await holds('POST /api/deals/:id/stage', fc.tuple(id(), bodyOf({ stage: stageKey, reopen: fc.boolean() })), ([dealId, body]) =>
        rep.post(`/api/deals/${dealId}/stage`).type('json').send(json(body)),
      );
    });

    it('POST /api/activities as a rep, POST /api/leads and PUT /api/quotas', async () => {
      await holds(
        'POST /api/activities',
        bodyOf({ type: fc.constantFrom('call', 'email', 'meeting', 'demo', 'lunch'), repId: id(), dealId: id(), note: name, at: instantLike }),
        (body) => rep.post('/api/activities').type('json').send(json(body)),
      );
      await holds('POST /api/leads', bodyOf({ source: name, status: fc.constantFrom('new', 'converted', 'x'), repId: id(), convertedDealId: id() }), (body) =>
        t.api.post('/api/leads').type('json').send(json(body)),
      );
      await holds(
        'PUT /api/quotas',
        bodyOf({ repId: id(), teamId: id(), period: fc.constantFrom('month', 'quarter', 'year'), periodStart: dateLike, amount: money }),
        (body) => t.api.put('/api/quotas').type('json').send(json(body)),
      );
    });

    it('the organisation: teams, territories, reps, accounts, products', async () => {
      await holds('POST /api/teams', bodyOf({ name, managerName: name }), (body) => t.api.post('/api/teams').type('json').send(json(body)));
      await holds('POST /api/territories', bodyOf({ name, region: name }), (body) => t.api.post('/api/territories').type('json').send(json(body)));
      const avatarUrl = fc.oneof(fc.webUrl(), fc.constantFrom('https://example.com/a.png', 'data:image/png;base64,AA==', 'javascript:alert(1)'));
      await holds('POST /api/reps', bodyOf({ name, email, teamId: id(), territoryId: id(), avatarUrl, active: fc.boolean() }), (body) =>
        t.api.post('/api/reps').type('json').send(json(body)),
      );
      await holds(
        'PATCH /api/reps/:id',
        fc.tuple(id(), bodyOf({ name, email, teamId: id(), territoryId: id(), avatarUrl, active: fc.boolean() })),
        ([repId, body]) => t.api.patch(`/api/reps/${repId}`).type('json').send(json(body)),
      );
      await holds('POST /api/accounts', bodyOf({ name, territoryId: id() }), (body) => t.api.post('/api/accounts').type('json').send(json(body)));
      await holds('POST /api/products', bodyOf({ name, listPrice: money, marginPct: fc.double({ min: -10, max: 110 }) }), (body) =>
        t.api.post('/api/products').type('json').send(json(body)),
      );
    });

    it('admin: users, keys, stages, boards and the CRM maps', async () => {
      const password = fc.string({ minLength: 10, maxLength: 20 });
      await holds(
        'POST /api/users',
        bodyOf({ email, name, password, role: fc.constantFrom('admin', 'manager', 'rep', 'root'), repId: id(), teamIds: fc.array(id(), { maxLength: 2 }) }),
        (body) => t.api.post('/api/users').type('json').send(json(body)),
      );
      await holds('PATCH /api/users/:id', fc.tuple(id(), bodyOf({ name, role: fc.constantFrom('manager', 'rep'), active: fc.boolean() })), ([userId, body]) =>
        t.api.patch(`/api/users/${userId}`).type('json').send(json(body)),
      );
      await holds('POST /api/keys', bodyOf({ name, scopes: fc.array(fc.constantFrom('read', 'write', 'webhooks', 'root'), { maxLength: 3 }) }), (body) =>
        t.api.post('/api/keys').type('json').send(json(body)),
      );
      await holds(
        'POST /api/stages',
        bodyOf({
          key: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
          label: name,
          kind: fc.constantFrom('open', 'won', 'lost', 'x'),
          probability: fc.integer({ min: -5, max: 105 }),
          forecastCategory: fc.constantFrom('commit', 'pipeline', 'x'),
          stuckAfterDays: fc.integer({ min: -1, max: 5000 }),
          position: fc.integer({ min: -1, max: 20 }),
        }),
        (body) => t.api.post('/api/stages').type('json').send(json(body)),
      );
      await holds(
        'POST /api/boards',
        bodyOf({
          name,
          scenes: fc.array(fc.record({ kind: fc.constantFrom('leaderboard', 'kpis', 'x'), seconds: fc.integer({ min: 0, max: 700 }) }), { maxLength: 3 }),
          sound: fc.boolean(),
        }),
        (body) => t.api.post('/api/boards').type('json').send(json(body)),
      );
      await holds(
        'PUT /api/webhooks/hubspot/stage-map',
        bodyOf({ stages: fc.dictionary(hostileString, stageKey, { maxKeys: 3 }), defaultOwnerId: id() }),
        (body) => t.api.put('/api/webhooks/hubspot/stage-map').type('json').send(json(body)),
      );
      await holds('PUT /api/webhooks/pipedrive/owner-map', bodyOf({ owners: fc.dictionary(hostileString, id(), { maxKeys: 3 }) }), (body) =>
        t.api.put('/api/webhooks/pipedrive/owner-map').type('json').send(json(body)),
      );
    });

    it('CRM webhooks: Pipedrive and signed HubSpot deliveries', async () => {
      let delivery = 0;
      const basic = `Basic ${Buffer.from(`${PIPEDRIVE.user}:${PIPEDRIVE.password}`).toString('base64')}`;
      await holds(
        'POST /api/webhooks/pipedrive',
        fc.record({
          meta: bodyOf({
            action: fc.constantFrom('create', 'change', 'delete'),
            entity: fc.constantFrom('deal', 'person'),
            timestamp: fc.oneof(instantLike, hostileNumber),
            entity_id: fc.integer({ min: 1, max: 5 }),
          }),
          data: bodyOf({
            id: fc.integer({ min: 1, max: 5 }),
            title: name,
            value: money,
            currency: fc.constantFrom('IDR', 'usd'),
            status: fc.constantFrom('open', 'won', 'lost', 'deleted'),
            stage_id: fc.constantFrom(1, 2),
            expected_close_date: dateLike,
          }),
        }),
        (body) => {
          // A fresh delivery id each time, so a refusal is not hidden behind a duplicate.
          const meta =
            body.meta !== null && typeof body.meta === 'object' && !Array.isArray(body.meta) ? { id: `prop-${++delivery}`, ...body.meta } : body.meta;
          return t.api
            .post('/api/webhooks/pipedrive')
            .set('Authorization', basic)
            .send({ ...body, meta });
        },
      );
      let eventId = 0;
      await holds(
        'POST /api/webhooks/hubspot',
        fc.array(
          bodyOf({
            objectId: fc.integer({ min: 1, max: 5 }),
            subscriptionType: fc.constantFrom('deal.creation', 'deal.propertyChange', 'deal.deletion'),
            occurredAt: fc.oneof(fc.constant(Date.now()), hostileNumber),
            propertyName: fc.constantFrom('dealname', 'amount', 'closedate', 'dealstage', 'hubspot_owner_id'),
            propertyValue: fc.oneof(dateLike, money.map(String), name),
          }),
          // One event a delivery: with several, the good ones are applied and the bad ones answered
          // 422 for HubSpot to retry, by design, so "refused writes nothing" holds per event.
          { minLength: 1, maxLength: 1 },
        ),
        (events) => {
          const body = JSON.stringify(
            events.map((event) => (event !== null && typeof event === 'object' && !Array.isArray(event) ? { eventId: ++eventId, ...event } : event)),
          );
          return postHubSpot(t, HUBSPOT_SECRET, body);
        },
      );
    });

    it('POST /api/import/preview with generated files', async () => {
      const cell = fc.oneof(hostileString, dateLike, money.map(String));
      const csv = fc
        .array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 })
        .map((rows) =>
          ['Deal Name,Amount,Close Date,Deal Stage,Deal owner', ...rows.map((cells) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join('\n'),
        );
      await holds('POST /api/import/preview', fc.tuple(csv, fc.constantFrom('deals', 'activities', 'reps', 'x')), ([file, kind]) =>
        t.api.post('/api/import/preview').query({ kind }).attach('file', Buffer.from(file), 'generated.csv'),
      );
    });
  });

  describe('reads', () => {
    it('GET /api/kpis and /api/leaderboard, as an admin and as a rep', async () => {
      const period = fc.constantFrom('today', 'week', 'month', 'quarter', 'year', 'custom', 'fortnight');
      const kpis = queryOf({ period, from: dateLike, to: dateLike, teamId: id(), territoryId: id(), repId: id() });
      await holds('GET /api/kpis (admin)', kpis, (query) => t.api.get('/api/kpis').query(query));
      await holds('GET /api/kpis (rep)', kpis, (query) => rep.get('/api/kpis').query(query));
      await holds(
        'GET /api/leaderboard',
        queryOf({
          period,
          from: dateLike,
          to: dateLike,
          teamId: id(),
          metric: fc.constantFrom('revenue', 'deals', 'x'),
          entity: fc.constantFrom('reps', 'teams'),
        }),
        (query) => rep.get('/api/leaderboard').query(query),
      );
    });

    it('GET /api/audit, /api/deals and the deals export', async () => {
      await holds('GET /api/audit', queryOf({ action: name, actorId: name, before: instantLike, limit: fc.integer({ min: -5, max: 1000 }) }), (query) =>
        t.api.get('/api/audit').query(query),
      );
      const deals = queryOf({
        stage: stageKey,
        repId: id(),
        teamId: id(),
        territoryId: id(),
        limit: fc.integer({ min: -5, max: 2000 }),
        offset: hostileNumber,
      });
      await holds('GET /api/deals', deals, (query) => rep.get('/api/deals').query(query));
      await holds('GET /api/export/deals.csv', deals, (query) => t.api.get('/api/export/deals.csv').query(query));
    });
  });
});
