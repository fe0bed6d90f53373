/**
 * The access matrix (issue #6): every REST route the application registers, for each role and for
 * no credential, with the status each must get; the credentials that must not hold; and every
 * socket message. The routes are read from the running app, so a route added without a row here
 * fails the first test, by name: nobody ships an endpoint without deciding who may call it.
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { Board, ImportJob, ResyncResult, Snapshot, Stage, Team, Territory } from '@salesboard/shared';
import { FIGURES_FORBIDDEN } from '../src/auth/principal.js';
import { bootTestApp, TEST_JWT_SECRET, type TestApp } from './support/app.js';
import { approvePairing, callerWith, type Cast, castOfRoles, createKey, pairDisplay, WHO, type Who } from './support/cast.js';
import { createDeal } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

/** The status each caller gets; a list where any of them is right (a file the documentation may or may not ship). */
type Expected = Record<Who, number | number[]>;

interface Call {
  url: string;
  body?: object;
  /** A multipart upload: the fields, then the file, as the admin page sends them. */
  upload?: { fields?: Record<string, string>; file: string; name: string };
}

interface Row {
  /** The route as Express registered it: `METHOD /path/:param`, or `ALL /path`. */
  route: string;
  what: string;
  /** The method to call an `ALL` route with. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  expected: Expected;
  /** Run for every caller just before its call: a destructive route gets a fresh target each time. */
  call: (who: Who) => Call | Promise<Call>;
  /** What a 401 or 403 says first; a webhook answers for its own signature, not for a bearer token. */
  refusal?: RegExp;
}

const UNAUTHORIZED = { statusCode: 401, error: 'Unauthorized', message: 'authorization: missing, malformed or expired credential' };
const UNKNOWN_ID = '3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f';

/** The same status for every caller, with or without a credential. */
const everyone = (status: number | number[]): Expected => Object.fromEntries(WHO.map((who) => [who, status])) as Expected;
/** `allowed` get `status`, every other credential 403, no credential 401. */
const only = (status: number, ...allowed: Who[]): Record<Who, number> =>
  Object.fromEntries(WHO.map((who) => [who, who === 'none' ? 401 : allowed.includes(who) ? status : 403])) as Record<Who, number>;
const SIGNED_IN: Who[] = ['admin', 'manager', 'rep', 'otherRep', 'display', 'readKey', 'writeKey'];
/** Those who see every deal, and so the organisation's figures (principal.ts, seesEveryDeal). */
const SEE_ALL: Who[] = ['admin', 'display', 'readKey', 'writeKey'];

let serial = 0;
const unique = (prefix: string) => `${prefix} ${++serial} ${randomUUID().slice(0, 6)}`;

/** Every route of the Express app under Nest, as `METHOD /path`; a route taking every method is `ALL /path`. */
function registeredRoutes(app: NestExpressApplication): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const found = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
        if (methods.length > 5 || layer.route.methods._all) found.add(`ALL ${layer.route.path}`);
        else for (const method of methods) found.add(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  walk(express.router.stack);
  return [...found].sort();
}

describe('access matrix', () => {
  let t: TestApp;
  let c: Cast;
  /** Targets that rows change but never remove. */
  let spare: { team: Team; territory: Territory; repId: string; stageKey: string; board: Board; job: ImportJob };
  const repA = () => c.orgA.reps[0].id;
  /** A new lead per caller: a status change or a conversion changes the lead for whoever comes next. */
  const freshLead = async (repId: string) => ((await t.api.post('/api/leads').send({ source: 'Probe', repId }).expect(201)).body as { id: string }).id;

  beforeAll(async () => {
    t = await bootTestApp({ HUBSPOT_CLIENT_SECRET: 'hubspot-test-secret', PIPEDRIVE_WEBHOOK_USER: 'pipedrive', PIPEDRIVE_WEBHOOK_PASSWORD: 'pipedrive-pass' });
    c = await castOfRoles(t);
    const password = 'a long enough password';
    for (const email of ['login-row', 'refresh-row', 'logout-row'])
      await t.api
        .post('/api/users')
        .send({ email: `${email}@example.co.id`, name: email, password, role: 'manager' })
        .expect(201);
    const team = (await t.api.post('/api/teams').send({ name: 'Spare team' }).expect(201)).body as Team;
    const territory = (await t.api.post('/api/territories').send({ name: 'Spare territory', region: 'Bali' }).expect(201)).body as Territory;
    const rep = await t.api.post('/api/reps').send({ name: 'Spare rep', email: 'spare@example.co.id', teamId: c.orgA.team.id }).expect(201);
    const stage = (await t.api.post('/api/stages').send(stageBody('spare')).expect(201)).body as Stage;
    const board = (
      await t.api
        .post('/api/boards')
        .send({ name: 'Spare board', scenes: [{ kind: 'leaderboard', seconds: 30 }] })
        .expect(201)
    ).body as Board;
    const job = (await t.api.post('/api/import/accounts').attach('file', Buffer.from('Name\nPT Spare\n'), 'accounts.csv').expect(201)).body as ImportJob;
    spare = { team, territory, repId: rep.body.id as string, stageKey: stage.key, board, job };
  }, 60_000);
  afterAll(async () => t?.close());

  const stageBody = (key: string) => ({ key, label: `Stage ${key}`, kind: 'open', probability: 30, forecastCategory: 'pipeline', stuckAfterDays: 14 });
  const freshUser = async () =>
    (
      await t.api
        .post('/api/users')
        .send({ email: `${randomUUID()}@example.co.id`, name: 'Throwaway', password: 'a long enough password', role: 'manager' })
        .expect(201)
    ).body.id as string;
  const freshStage = async () =>
    (
      await t.api
        .post('/api/stages')
        .send(stageBody(`x${randomUUID().slice(0, 8)}`))
        .expect(201)
    ).body.key as string;
  const freshBoard = async () =>
    (
      await t.api
        .post('/api/boards')
        .send({ name: unique('Throwaway board'), scenes: [{ kind: 'funnel', seconds: 20 }] })
        .expect(201)
    ).body.id as string;
  const freshRunningJob = async () =>
    (await t.db.query<{ id: string }>("INSERT INTO import_jobs (delimiter, date_format, headers, columns) VALUES (',', 'iso', '[]', '{}') RETURNING id"))[0].id;
  const refreshTokenOf = async (email: string) =>
    (await request(t.baseUrl).post('/api/auth/login').send({ email, password: 'a long enough password' }).expect(200)).body.refreshToken as string;
  const pairingStart = async () => (await request(t.baseUrl).post('/api/pairing').expect(201)).body as { userCode: string; deviceCode: string };

  const READ = only(200, ...SIGNED_IN);
  const docs = (path: string): Row => ({ route: `GET ${path}`, what: 'the API documentation', expected: everyone(200), call: () => ({ url: path }) });
  // swagger-ui-dist may ship no LICENSE file: public either way, never a 401 or 403.
  const docsLicense: Row = { ...docs('/api/docs/LICENSE'), expected: everyone([200, 404]) };

  const rows: Row[] = [
    // ---- public: health, metrics, documentation, sign-in, pairing -----------------------------
    { route: 'GET /api/health', what: 'readiness', expected: everyone(200), call: () => ({ url: '/api/health' }) },
    { route: 'GET /api/health/live', what: 'liveness', expected: everyone(200), call: () => ({ url: '/api/health/live' }) },
    { route: 'GET /metrics', what: 'Prometheus metrics', expected: everyone(200), call: () => ({ url: '/metrics' }) },
    { route: 'ALL /metrics', method: 'POST', what: 'metrics take no writes', expected: everyone(404), call: () => ({ url: '/metrics', body: {} }) },
    ...['/api/docs', '/api/docs/', '/api/docs/index.html', '/api/docs/swagger-ui-init.js', '/api/docs/docs/swagger-ui-init.js'].map(docs),
    ...['/api/docs-json', '/api/docs-yaml'].map(docs),
    docsLicense,
    // Nest's not-found handler under /api: an unknown path is a 404 for everyone, before any credential is looked at.
    { route: 'ALL *path', method: 'GET', what: 'an unknown API path', expected: everyone(404), call: () => ({ url: '/api/no-such-route' }) },
    {
      route: 'POST /api/auth/login',
      what: 'sign in',
      expected: everyone(200),
      call: () => ({ url: '/api/auth/login', body: { email: 'login-row@example.co.id', password: 'a long enough password' } }),
    },
    {
      route: 'POST /api/auth/refresh',
      what: 'refresh a session',
      expected: everyone(200),
      call: async () => ({ url: '/api/auth/refresh', body: { refreshToken: await refreshTokenOf('refresh-row@example.co.id') } }),
    },
    {
      route: 'POST /api/auth/logout',
      what: 'sign out',
      expected: everyone(204),
      call: async () => ({ url: '/api/auth/logout', body: { refreshToken: await refreshTokenOf('logout-row@example.co.id') } }),
    },
    { route: 'POST /api/pairing', what: 'a TV asks for a code', expected: everyone(201), call: () => ({ url: '/api/pairing' }) },
    {
      route: 'POST /api/pairing/token',
      what: 'a TV polls',
      expected: everyone(200),
      call: async () => ({ url: '/api/pairing/token', body: { deviceCode: (await pairingStart()).deviceCode } }),
    },
    {
      route: 'POST /api/webhooks/hubspot',
      what: 'an unsigned HubSpot delivery',
      expected: everyone(401),
      refusal: /^X-HubSpot-Signature-v3: /,
      call: () => ({ url: '/api/webhooks/hubspot', body: [] }),
    },
    {
      route: 'POST /api/webhooks/pipedrive',
      what: 'a Pipedrive delivery without its HTTP Basic credentials',
      expected: everyone(401),
      refusal: /^Authorization: /,
      call: () => ({ url: '/api/webhooks/pipedrive', body: { meta: {} } }),
    },

    // ---- who am I, users, keys, audit ------------------------------------------------------------
    { route: 'GET /api/auth/me', what: 'who am I', expected: READ, call: () => ({ url: '/api/auth/me' }) },
    { route: 'GET /api/users', what: 'list users', expected: only(200, 'admin'), call: () => ({ url: '/api/users' }) },
    {
      route: 'POST /api/users',
      what: 'create a user',
      expected: only(201, 'admin'),
      call: () => ({ url: '/api/users', body: { email: `${randomUUID()}@example.co.id`, name: 'New', password: 'a long enough password', role: 'manager' } }),
    },
    {
      route: 'PATCH /api/users/:id',
      what: 'change a user',
      expected: only(200, 'admin'),
      call: async () => ({ url: `/api/users/${await freshUser()}`, body: { name: 'Renamed' } }),
    },
    { route: 'GET /api/keys', what: 'list API keys', expected: only(200, 'admin'), call: () => ({ url: '/api/keys' }) },
    {
      route: 'POST /api/keys',
      what: 'create an API key',
      expected: only(201, 'admin'),
      call: () => ({ url: '/api/keys', body: { name: unique('key'), scopes: ['read'] } }),
    },
    {
      route: 'DELETE /api/keys/:id',
      what: 'revoke an API key',
      expected: only(200, 'admin'),
      call: async () => ({ url: `/api/keys/${(await createKey(t, unique('doomed'), ['read'])).id}` }),
    },
    { route: 'GET /api/audit', what: 'read the audit log', expected: only(200, 'admin'), call: () => ({ url: '/api/audit' }) },

    // ---- stages and boards ---------------------------------------------------------------------
    { route: 'GET /api/stages', what: 'list stages', expected: READ, call: () => ({ url: '/api/stages' }) },
    {
      route: 'POST /api/stages',
      what: 'add a stage',
      expected: only(201, 'admin'),
      call: () => ({ url: '/api/stages', body: stageBody(`n${randomUUID().slice(0, 8)}`) }),
    },
    {
      route: 'PUT /api/stages/order',
      what: 'reorder the stages (as they are)',
      expected: only(200, 'admin'),
      call: async () => ({ url: '/api/stages/order', body: { keys: ((await t.api.get('/api/stages').expect(200)).body as Stage[]).map((s) => s.key) } }),
    },
    {
      route: 'PATCH /api/stages/:key',
      what: 'change a stage',
      expected: only(200, 'admin'),
      call: () => ({ url: `/api/stages/${spare.stageKey}`, body: { label: unique('Spare') } }),
    },
    {
      route: 'DELETE /api/stages/:key',
      what: 'delete a stage',
      expected: only(200, 'admin'),
      call: async () => ({ url: `/api/stages/${await freshStage()}` }),
    },
    // ---- exchange rates ----------------------------------------------------------------------------
    { route: 'GET /api/exchange-rates', what: 'list exchange rates', expected: READ, call: () => ({ url: '/api/exchange-rates' }) },
    {
      route: 'PUT /api/exchange-rates/:currency/:validFrom',
      what: 'set an exchange rate',
      expected: only(200, 'admin'),
      call: () => ({ url: '/api/exchange-rates/CHF/2001-01-01', body: { rate: '9000' } }),
    },
    {
      route: 'DELETE /api/exchange-rates/:currency/:validFrom',
      what: 'delete an exchange rate no deal needs',
      expected: only(204, 'admin'),
      call: async () => {
        const day = new Date(Date.UTC(2001, 1, 1) + ++serial * 86_400_000).toISOString().slice(0, 10);
        await t.api.put(`/api/exchange-rates/NOK/${day}`).send({ rate: '1500' }).expect(200);
        return { url: `/api/exchange-rates/NOK/${day}` };
      },
    },
    { route: 'GET /api/boards', what: 'list boards', expected: READ, call: () => ({ url: '/api/boards' }) },
    { route: 'GET /api/boards/:id', what: 'read a board', expected: READ, call: () => ({ url: `/api/boards/${spare.board.id}` }) },
    {
      route: 'POST /api/boards',
      what: 'create a board',
      expected: only(201, 'admin'),
      call: () => ({ url: '/api/boards', body: { name: unique('Board'), scenes: [{ kind: 'quota', seconds: 15 }] } }),
    },
    {
      route: 'PUT /api/boards/:id',
      what: 'replace a board',
      expected: only(200, 'admin'),
      call: () => ({ url: `/api/boards/${spare.board.id}`, body: { name: unique('Spare board'), scenes: [{ kind: 'leaderboard', seconds: 30 }] } }),
    },
    {
      route: 'DELETE /api/boards/:id',
      what: 'delete a board',
      expected: only(200, 'admin'),
      call: async () => ({ url: `/api/boards/${await freshBoard()}` }),
    },

    // ---- displays ----------------------------------------------------------------------------------
    {
      route: 'POST /api/pairing/approve',
      what: 'approve a TV',
      expected: only(201, 'admin', 'manager'),
      call: async () => ({ url: '/api/pairing/approve', body: { userCode: (await pairingStart()).userCode, name: unique('TV') } }),
    },
    {
      route: 'GET /api/pairing/boards',
      what: 'list the boards the caller may pair a TV to (which ones: pairing-ui-rules)',
      expected: only(200, 'admin', 'manager'),
      call: () => ({ url: '/api/pairing/boards' }),
    },
    { route: 'GET /api/displays', what: 'list displays', expected: only(200, 'admin', 'manager'), call: () => ({ url: '/api/displays' }) },
    {
      route: 'DELETE /api/displays/:id',
      what: "revoke a display a manager paired (an admin's is for admins: hardening-access)",
      expected: only(200, 'admin', 'manager'),
      call: async () => ({ url: `/api/displays/${(await approvePairing(t.baseUrl, c.tokens.manager!, unique('Doomed TV'))).displayId}` }),
    },

    // ---- organisation ------------------------------------------------------------------------------
    ...(['teams', 'territories', 'reps', 'accounts', 'products'] as const).map((list): Row => ({
      route: `GET /api/${list}`,
      what: `list ${list}`,
      expected: READ,
      call: () => ({ url: `/api/${list}` }),
    })),
    ...(
      [
        ['teams', () => ({ name: unique('Team') })],
        ['territories', () => ({ name: unique('Territory'), region: 'Jawa' })],
        ['reps', () => ({ name: unique('Rep'), email: `${randomUUID()}@example.co.id` })],
        ['accounts', () => ({ name: unique('PT Account') })],
        ['products', () => ({ name: unique('Product'), listPrice: '1000000', marginPct: 30 })],
      ] as const
    ).map(([kind, body]): Row => ({
      route: `POST /api/${kind}`,
      what: `create ${kind}`,
      expected: only(201, 'admin', 'writeKey'),
      call: () => ({ url: `/api/${kind}`, body: body() }),
    })),
    { route: 'GET /api/admin/teams', what: 'teams for the admin area', expected: only(200, 'admin'), call: () => ({ url: '/api/admin/teams' }) },
    {
      route: 'PATCH /api/teams/:id',
      what: 'rename a team',
      expected: only(200, 'admin'),
      call: () => ({ url: `/api/teams/${spare.team.id}`, body: { name: unique('Spare team') } }),
    },
    {
      route: 'GET /api/territories/overview',
      what: 'territory overview',
      expected: only(200, 'admin', 'manager'),
      call: () => ({ url: '/api/territories/overview' }),
    },
    {
      route: 'PATCH /api/territories/:id',
      what: 'rename a territory',
      expected: only(200, 'admin'),
      call: () => ({ url: `/api/territories/${spare.territory.id}`, body: { name: unique('Spare territory') } }),
    },
    {
      route: 'PATCH /api/reps/:id',
      what: "assign a team A rep's territory",
      expected: only(200, 'admin', 'manager'),
      call: () => ({ url: `/api/reps/${spare.repId}`, body: { territoryId: c.orgA.territory.id } }),
    },
    {
      route: 'PATCH /api/reps/:id',
      what: 'activate a team B rep',
      expected: only(200, 'admin'),
      call: () => ({ url: `/api/reps/${c.repB.id}`, body: { active: true } }),
    },

    // ---- deals, activities, leads, quotas ------------------------------------------------------
    { route: 'GET /api/deals', what: 'list deals', expected: READ, call: () => ({ url: '/api/deals' }) },
    {
      route: 'POST /api/deals',
      what: 'create a deal for rep A',
      expected: only(201, 'admin', 'manager', 'rep', 'writeKey'),
      call: () => ({ url: '/api/deals', body: { name: unique('PT Deal'), ownerId: repA(), amount: '1000000' } }),
    },
    {
      route: 'POST /api/deals',
      what: 'create a deal for rep B',
      expected: only(201, 'admin', 'otherRep', 'writeKey'),
      call: () => ({ url: '/api/deals', body: { name: unique('PT Deal'), ownerId: c.repB.id, amount: '1000000' } }),
    },
    {
      route: 'GET /api/deals/:id',
      what: 'read deal A',
      expected: only(200, 'admin', 'manager', 'rep', 'display', 'readKey', 'writeKey'),
      call: () => ({ url: `/api/deals/${c.dealA.id}` }),
    },
    {
      route: 'GET /api/deals/:id',
      what: 'read deal B',
      expected: only(200, 'admin', 'otherRep', 'display', 'readKey', 'writeKey'),
      call: () => ({ url: `/api/deals/${c.dealB.id}` }),
    },
    {
      route: 'GET /api/deals/:id',
      what: 'read an unknown deal',
      expected: { ...only(403), none: 401, admin: 404, display: 404, readKey: 404, writeKey: 404 },
      call: () => ({ url: `/api/deals/${UNKNOWN_ID}` }),
    },
    {
      route: 'GET /api/deals/:id/history',
      what: "read deal A's history",
      expected: only(200, 'admin', 'manager', 'rep', 'display', 'readKey', 'writeKey'),
      call: () => ({ url: `/api/deals/${c.dealA.id}/history` }),
    },
    {
      route: 'GET /api/deals/:id/history',
      what: "read deal B's history",
      expected: only(200, 'admin', 'otherRep', 'display', 'readKey', 'writeKey'),
      call: () => ({ url: `/api/deals/${c.dealB.id}/history` }),
    },
    {
      route: 'GET /api/deals/:id/history',
      what: 'read the history of an unknown deal',
      expected: { ...only(403), none: 401, admin: 404, display: 404, readKey: 404, writeKey: 404 },
      call: () => ({ url: `/api/deals/${UNKNOWN_ID}/history` }),
    },
    {
      route: 'PATCH /api/deals/:id',
      what: 'change deal A',
      expected: only(200, 'admin', 'manager', 'rep', 'writeKey'),
      call: () => ({ url: `/api/deals/${c.dealA.id}`, body: { name: unique('PT Maju Jaya') } }),
    },
    {
      route: 'PATCH /api/deals/:id',
      what: 'change deal B',
      expected: only(200, 'admin', 'otherRep', 'writeKey'),
      call: () => ({ url: `/api/deals/${c.dealB.id}`, body: { name: unique('PT Sinar') } }),
    },
    {
      route: 'PATCH /api/deals/:id',
      what: 'change an unknown deal',
      expected: { ...only(403), none: 401, admin: 404, writeKey: 404 },
      call: () => ({ url: `/api/deals/${UNKNOWN_ID}`, body: { name: 'Ghost' } }),
    },
    {
      route: 'PATCH /api/deals/:id',
      what: "hand a fresh deal of rep A's to rep B",
      expected: only(200, 'admin', 'writeKey'),
      call: async () => ({ url: `/api/deals/${(await createDeal(t.api, repA())).id}`, body: { ownerId: c.repB.id } }),
    },
    {
      route: 'POST /api/deals/:id/stage',
      what: "move a fresh deal of rep A's",
      expected: only(200, 'admin', 'manager', 'rep', 'writeKey'),
      call: async () => ({ url: `/api/deals/${(await createDeal(t.api, repA())).id}/stage`, body: { stage: 'qualified' } }),
    },
    {
      route: 'POST /api/deals/:id/stage',
      what: "move a fresh deal of rep B's",
      expected: only(200, 'admin', 'otherRep', 'writeKey'),
      call: async () => ({ url: `/api/deals/${(await createDeal(t.api, c.repB.id)).id}/stage`, body: { stage: 'qualified' } }),
    },
    {
      route: 'POST /api/activities',
      what: 'log an activity of rep A',
      expected: only(201, 'admin', 'manager', 'rep', 'writeKey'),
      call: () => ({ url: '/api/activities', body: { type: 'call', repId: repA() } }),
    },
    {
      route: 'POST /api/activities',
      what: 'log an activity of rep B',
      expected: only(201, 'admin', 'otherRep', 'writeKey'),
      call: () => ({ url: '/api/activities', body: { type: 'call', repId: c.repB.id } }),
    },
    {
      // Rep A's own activity, but on a deal neither rep A nor their manager may see.
      route: 'POST /api/activities',
      what: 'log an activity of rep A on deal B',
      expected: only(201, 'admin', 'writeKey'),
      call: () => ({ url: '/api/activities', body: { type: 'meeting', repId: repA(), dealId: c.dealB.id } }),
    },
    {
      route: 'POST /api/leads',
      what: 'log a lead of rep A',
      expected: only(201, 'admin', 'manager', 'rep', 'writeKey'),
      call: () => ({ url: '/api/leads', body: { source: 'Website', repId: repA() } }),
    },
    {
      route: 'POST /api/leads',
      what: 'log a lead of rep B',
      expected: only(201, 'admin', 'otherRep', 'writeKey'),
      call: () => ({ url: '/api/leads', body: { source: 'Website', repId: c.repB.id } }),
    },
    {
      route: 'POST /api/leads',
      what: 'log a lead of rep A converted into deal B',
      expected: only(201, 'admin', 'writeKey'),
      call: () => ({ url: '/api/leads', body: { source: 'Website', repId: repA(), convertedDealId: c.dealB.id } }),
    },
    { route: 'GET /api/leads', what: 'list leads (each sees the ones they may)', expected: READ, call: () => ({ url: '/api/leads' }) },
    {
      route: 'GET /api/leads/by-source',
      what: "the organisation's leads by source (figures, as GET /api/kpis)",
      expected: only(200, ...SEE_ALL),
      call: () => ({ url: '/api/leads/by-source' }),
    },
    {
      route: 'GET /api/leads/:id/history',
      what: "read a lead of rep A's history",
      expected: only(200, 'admin', 'manager', 'rep', 'display', 'readKey', 'writeKey'),
      call: async () => ({ url: `/api/leads/${await freshLead(repA())}/history` }),
    },
    {
      route: 'POST /api/leads/:id/status',
      what: "move a fresh lead of rep A's to contacted",
      expected: only(200, 'admin', 'manager', 'rep', 'writeKey'),
      call: async () => ({ url: `/api/leads/${await freshLead(repA())}/status`, body: { status: 'contacted' } }),
    },
    {
      route: 'POST /api/leads/:id/convert',
      what: "convert a fresh lead of rep A's into a deal",
      expected: only(201, 'admin', 'manager', 'rep', 'writeKey'),
      call: async () => ({ url: `/api/leads/${await freshLead(repA())}/convert`, body: { amount: '1000000' } }),
    },
    {
      route: 'PUT /api/quotas',
      what: "set team A's quota",
      expected: only(200, 'admin', 'manager', 'writeKey'),
      call: () => ({ url: '/api/quotas', body: { teamId: c.orgA.team.id, period: 'month', periodStart: '2026-11-01', amount: '1000000' } }),
    },
    {
      route: 'PUT /api/quotas',
      what: "set rep A's quota",
      expected: only(200, 'admin', 'manager', 'writeKey'),
      call: () => ({ url: '/api/quotas', body: { repId: repA(), period: 'quarter', periodStart: '2026-10-01', amount: '3000000' } }),
    },
    {
      route: 'PUT /api/quotas',
      what: "set team B's quota",
      expected: only(200, 'admin', 'writeKey'),
      call: () => ({ url: '/api/quotas', body: { teamId: c.teamB.id, period: 'month', periodStart: '2026-11-01', amount: '1000000' } }),
    },

    // ---- live views, figures, exports ------------------------------------------------------------
    { route: 'GET /api/snapshot', what: 'the live snapshot', expected: READ, call: () => ({ url: '/api/snapshot' }) },
    { route: 'GET /api/leaderboard', what: 'the leaderboard', expected: READ, call: () => ({ url: '/api/leaderboard' }) },
    { route: 'GET /api/kpis', what: "the organisation's KPIs", expected: only(200, ...SEE_ALL), call: () => ({ url: '/api/kpis' }) },
    {
      route: 'GET /api/kpis',
      what: "team A's KPIs",
      expected: only(200, ...SEE_ALL, 'manager'),
      call: () => ({ url: `/api/kpis?teamId=${c.orgA.team.id}` }),
    },
    { route: 'GET /api/kpis', what: "team B's KPIs", expected: only(200, ...SEE_ALL), call: () => ({ url: `/api/kpis?teamId=${c.teamB.id}` }) },
    {
      route: 'GET /api/kpis',
      what: "territory A's KPIs",
      expected: only(200, ...SEE_ALL),
      call: () => ({ url: `/api/kpis?territoryId=${c.orgA.territory.id}` }),
    },
    {
      route: 'GET /api/kpis',
      what: "rep A's KPIs",
      expected: only(200, ...SEE_ALL, 'manager', 'rep'),
      call: () => ({ url: `/api/kpis?repId=${repA()}` }),
    },
    {
      route: 'GET /api/kpis',
      what: "rep B's KPIs",
      expected: only(200, ...SEE_ALL, 'otherRep'),
      call: () => ({ url: `/api/kpis?repId=${c.repB.id}` }),
    },
    {
      route: 'GET /api/kpis/check',
      what: 'the KPI consistency check',
      expected: only(200, 'admin', 'readKey', 'writeKey'),
      call: () => ({ url: '/api/kpis/check' }),
    },
    { route: 'GET /api/export/deals.csv', what: 'export deals', expected: READ, call: () => ({ url: '/api/export/deals.csv' }) },
    { route: 'GET /api/export/leaderboard.csv', what: 'export the leaderboard', expected: READ, call: () => ({ url: '/api/export/leaderboard.csv' }) },
    {
      route: 'GET /api/export/kpis.csv',
      what: "export the organisation's KPIs",
      expected: only(200, ...SEE_ALL),
      call: () => ({ url: '/api/export/kpis.csv' }),
    },
    {
      route: 'GET /api/export/kpis.csv',
      what: "export rep A's KPIs",
      expected: only(200, ...SEE_ALL, 'manager', 'rep'),
      call: () => ({ url: `/api/export/kpis.csv?repId=${repA()}` }),
    },

    // ---- imports and CRM settings ------------------------------------------------------------------
    {
      route: 'POST /api/import/preview',
      what: 'preview an import',
      expected: only(200, 'admin', 'writeKey'),
      call: () => ({ url: '/api/import/preview?kind=accounts', upload: { file: 'Name\nPT Preview\n', name: 'accounts.csv' } }),
    },
    {
      route: 'POST /api/import/:kind',
      what: 'import accounts',
      expected: only(201, 'admin', 'writeKey'),
      call: () => ({ url: '/api/import/accounts', upload: { file: `Name\n${unique('PT Imported')}\n`, name: 'accounts.csv' } }),
    },
    { route: 'GET /api/import/jobs', what: 'list imports', expected: only(200, 'admin', 'readKey', 'writeKey'), call: () => ({ url: '/api/import/jobs' }) },
    {
      route: 'GET /api/import/jobs/:id',
      what: 'read an import',
      expected: only(200, 'admin', 'readKey', 'writeKey'),
      call: () => ({ url: `/api/import/jobs/${spare.job.id}` }),
    },
    {
      route: 'DELETE /api/import/jobs/:id',
      what: 'cancel a running import',
      expected: only(202, 'admin', 'writeKey'),
      call: async () => ({ url: `/api/import/jobs/${await freshRunningJob()}` }),
    },
    {
      route: 'GET /api/import/jobs/:id/rejected.csv',
      what: "an import's rejected rows",
      expected: only(200, 'admin', 'readKey', 'writeKey'),
      call: () => ({ url: `/api/import/jobs/${spare.job.id}/rejected.csv` }),
    },
    ...(['hubspot', 'pipedrive'] as const).flatMap((crm): Row[] => [
      {
        route: `GET /api/webhooks/${crm}/stage-map`,
        what: `read the ${crm} stage map`,
        expected: only(200, 'admin', 'readKey', 'writeKey'),
        call: () => ({ url: `/api/webhooks/${crm}/stage-map` }),
      },
      {
        route: `PUT /api/webhooks/${crm}/stage-map`,
        what: `replace the ${crm} stage map`,
        expected: only(200, 'admin'),
        call: () => ({ url: `/api/webhooks/${crm}/stage-map`, body: { stages: { closedwon: 'won', '3': 'demo' } } }),
      },
    ]),
    {
      route: 'GET /api/webhooks/:provider/owner-map',
      what: 'read the HubSpot owner map',
      expected: only(200, 'admin', 'readKey', 'writeKey'),
      call: () => ({ url: '/api/webhooks/hubspot/owner-map' }),
    },
    {
      route: 'PUT /api/webhooks/:provider/owner-map',
      what: 'replace the Pipedrive owner map',
      expected: only(200, 'admin'),
      call: () => ({ url: '/api/webhooks/pipedrive/owner-map', body: { owners: { '42': repA() } } }),
    },
  ];

  async function perform(row: Row, who: Who): Promise<request.Response> {
    const call = await row.call(who);
    const method = (row.method ?? row.route.split(' ')[0]).toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let test = callerWith(t.baseUrl, c.tokens[who])[method](call.url);
    if (call.upload) {
      for (const [field, value] of Object.entries(call.upload.fields ?? {})) test = test.field(field, value);
      return test.attach('file', Buffer.from(call.upload.file), call.upload.name);
    }
    return call.body === undefined ? test : test.send(call.body);
  }

  it('has a row for every route the application serves, and no row for a route it does not', () => {
    const routes = registeredRoutes(t.app);
    const decided = new Set(rows.map((row) => row.route));
    expect({ routesWithoutARow: routes.filter((route) => !decided.has(route)) }).toEqual({ routesWithoutARow: [] });
    expect({ rowsWithoutARoute: [...decided].filter((route) => !routes.includes(route)) }).toEqual({ rowsWithoutARoute: [] });
  });

  describe.each(rows.map((row) => [`${row.route} (${row.what})`, row] as const))('%s', (_name, row) => {
    it.each(WHO.map((who) => [who, row.expected[who]] as const))('%s gets %p', async (who, expected) => {
      const response = await perform(row, who);
      const statuses = ([] as number[]).concat(expected);
      const status = statuses.includes(response.status) ? response.status : statuses[0];
      expect({ status: response.status, body: response.body as unknown }).toMatchObject({ status });
      if (status === 401 || status === 403) {
        expect(response.body).toEqual({
          statusCode: status,
          error: status === 401 ? 'Unauthorized' : 'Forbidden',
          message: expect.stringMatching(row.refusal ?? /^authorization: /),
        });
      }
    });
  });

  describe('a refusal does not tell whether the target exists', () => {
    /** The answer with the id taken out, so a refusal naming it compares equal for both ids. */
    const answer = async (who: Who, build: (id: string) => Promise<request.Response>, id: string) => {
      const response = await build(id);
      return { status: response.status, body: JSON.parse(JSON.stringify(response.body).replaceAll(id, ':id')) as unknown };
    };
    const probes: [string, (who: Who) => (id: string) => Promise<request.Response>][] = [
      ['reading a deal', (who) => async (id) => c.as(who).get(`/api/deals/${id}`)],
      ['changing a deal', (who) => async (id) => c.as(who).patch(`/api/deals/${id}`).send({ name: 'Probe' })],
      ['moving a deal', (who) => async (id) => c.as(who).post(`/api/deals/${id}/stage`).send({ stage: 'demo' })],
      ['logging an activity on a deal', (who) => async (id) => c.as(who).post('/api/activities').send({ type: 'call', repId: repA(), dealId: id })],
      ['converting a lead into a deal', (who) => async (id) => c.as(who).post('/api/leads').send({ source: 'Probe', repId: repA(), convertedDealId: id })],
    ];

    it.each(probes.flatMap(([what, probe]) => (['rep', 'manager'] as const).map((who) => [what, who, probe] as const)))(
      '%s of another team: %s gets the same refusal for deal B as for an unknown id',
      async (_what, who, probe) => {
        const known = await answer(who, probe(who), c.dealB.id);
        const unknown = await answer(who, probe(who), randomUUID());
        expect(known).toEqual(unknown);
        expect(known.status).toBe(403);
      },
    );

    it('lets one who sees every deal learn that an unknown one does not exist (404), and nobody else', async () => {
      for (const who of SEE_ALL) await c.as(who).get(`/api/deals/${UNKNOWN_ID}`).expect(404);
      for (const who of ['manager', 'rep', 'otherRep'] as const) await c.as(who).get(`/api/deals/${UNKNOWN_ID}`).expect(403);
    });

    it('refuses an admin-only route to a rep alike whether the user exists or not', async () => {
      const known = await answer('rep', (id) => c.as('rep').patch(`/api/users/${id}`).send({ name: 'x' }), await freshUser());
      const unknown = await answer('rep', (id) => c.as('rep').patch(`/api/users/${id}`).send({ name: 'x' }), randomUUID());
      expect(known).toEqual(unknown);
      expect(known.status).toBe(403);
    });
  });

  describe('a 200 on a list holds only what the caller may see', () => {
    /** The deals a caller may read in full: their own, their teams', or all. */
    const sees: Record<'manager' | 'rep' | 'otherRep' | 'admin' | 'display', { a: boolean; b: boolean }> = {
      admin: { a: true, b: true },
      display: { a: true, b: true },
      manager: { a: true, b: false },
      rep: { a: true, b: false },
      otherRep: { a: false, b: true },
    };
    /** Lists of every deal the caller may see; the snapshot's feed holds only the newest events, so it is checked for leaks only. */
    const lists: [string, string, boolean][] = [
      ['GET /api/deals', '/api/deals', true],
      ['GET /api/export/deals.csv', '/api/export/deals.csv', true],
      ['GET /api/snapshot', '/api/snapshot', false],
    ];
    it.each(lists.flatMap(([what, url, complete]) => (Object.keys(sees) as (keyof typeof sees)[]).map((who) => [what, who, url, complete] as const)))(
      '%s for %s names no deal it may not see',
      async (_what, who, url, complete) => {
        const response = await c.as(who).get(url).expect(200);
        // The feed's deal events; an activity the caller logged may name a deal of its own accord (see the activity rows).
        const text = complete ? response.text : JSON.stringify((response.body as Snapshot).feed.map((e) => (e.payload as { deal?: unknown }).deal ?? null));
        const named = { dealA: text.includes(c.dealA.id), dealB: text.includes(c.dealB.id) };
        const mayNotSee = { dealA: !sees[who].a, dealB: !sees[who].b };
        expect({ namedThoughHidden: (['dealA', 'dealB'] as const).filter((d) => named[d] && mayNotSee[d]) }).toEqual({ namedThoughHidden: [] });
        if (complete) expect(named).toEqual({ dealA: sees[who].a, dealB: sees[who].b });
      },
    );
  });

  describe('credentials that do not hold', () => {
    let adminId: string;
    const bad: Record<string, string> = {};
    /** Access-token claims of the test admin, signed with `secret`, expiring at `exp` (seconds). */
    const mint = (secret: string, exp: number) =>
      new SignJWT({ role: 'admin', name: 'Administrator', repId: null, teamIds: [] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(adminId)
        .setIssuer('salesboard')
        .setIssuedAt(exp - 900)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));

    beforeAll(async () => {
      adminId = (await c.as('admin').get('/api/auth/me').expect(200)).body.id as string;
      const now = Math.floor(Date.now() / 1000);
      bad['a malformed token'] = 'not-a-token';
      bad['a token with a forged signature'] = `${c.tokens.admin!.slice(0, -4)}AAAA`;
      bad['a token signed with another secret'] = await mint('another-secret-another-secret-another-1', now + 600);
      bad['an expired token'] = await mint(TEST_JWT_SECRET, now - 60);
      bad['an unknown API key'] = `sbk_${randomUUID().replaceAll('-', '')}`;
      bad['an unknown display credential'] = `sbd_${randomUUID().replaceAll('-', '')}`;
      const key = await createKey(t, 'Revoked integration', ['read', 'write']);
      await t.api.delete(`/api/keys/${key.id}`).expect(200);
      bad['a revoked API key'] = key.key;
      const display = await pairDisplay(t.baseUrl, c.tokens.manager!, 'Revoked TV');
      await c.as('admin').delete(`/api/displays/${display.displayId}`).expect(200);
      bad['a revoked display credential'] = display.token;
    });

    it('accepts the same claims signed with the right secret before they expire (so the refusals below are about the credential)', async () => {
      const good = callerWith(t.baseUrl, await mint(TEST_JWT_SECRET, Math.floor(Date.now() / 1000) + 600));
      await good.get(`/api/deals/${c.dealA.id}`).expect(200);
      await good.get(`/api/deals/${UNKNOWN_ID}`).expect(404);
    });

    const targets: [string, (caller: ReturnType<typeof callerWith>) => request.Test][] = [
      ['reading an existing deal', (caller) => caller.get(`/api/deals/${c.dealA.id}`)],
      ['reading an unknown deal', (caller) => caller.get(`/api/deals/${UNKNOWN_ID}`)],
      ['changing an existing deal', (caller) => caller.patch(`/api/deals/${c.dealA.id}`).send({ name: 'Hijacked' })],
      ['changing an unknown deal', (caller) => caller.patch(`/api/deals/${UNKNOWN_ID}`).send({ name: 'Hijacked' })],
      ['listing users', (caller) => caller.get('/api/users')],
    ];
    const kinds = [
      'a malformed token',
      'a token with a forged signature',
      'a token signed with another secret',
      'an expired token',
      'an unknown API key',
      'an unknown display credential',
      'a revoked API key',
      'a revoked display credential',
    ];

    it.each(kinds.flatMap((kind) => targets.map(([what, send]) => [kind, what, send] as const)))('%s gets 401 %s', async (kind, _what, send) => {
      const response = await send(callerWith(t.baseUrl, bad[kind]));
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it('answers a credential that is not a bearer token as none at all', async () => {
      const response = await request(t.baseUrl)
        .get(`/api/deals/${c.dealA.id}`)
        .set('Authorization', `Basic ${Buffer.from('admin:x').toString('base64')}`);
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it.each(kinds)('refuses a socket handshake with %s', async (kind) => {
      const client = connectLive(t.baseUrl, { token: bad[kind] });
      const error = await new Promise<Error>((resolve) => client.socket.once('connect_error', resolve));
      client.close();
      expect(error.message).toBe('unauthorized: a valid credential is required in auth.token');
    });
  });

  describe('socket messages', () => {
    const sockets = {} as Record<Exclude<Who, 'none'>, RecordingClient>;
    let since = 0;
    let newDealA = '';
    let newDealB = '';

    beforeAll(async () => {
      for (const who of SIGNED_IN) sockets[who as Exclude<Who, 'none'>] = connectLive(t.baseUrl, { token: c.tokens[who]! });
      const seqs = await Promise.all(Object.values(sockets).map(async (s) => (await s.waitForSnapshot()).seq));
      since = Math.max(...seqs);
      // Logged after every socket caught up: a resync from `since` replays them.
      newDealA = (await createDeal(t.api, repA(), { name: 'PT Baru A' })).id;
      newDealB = (await createDeal(t.api, c.repB.id, { name: 'PT Baru B' })).id;
    });
    afterAll(() => Object.values(sockets).forEach((s) => s.close()));

    const ack = <T>(who: Exclude<Who, 'none'>, event: string, body: unknown, ms = 2000): Promise<T> =>
      (sockets[who].socket as unknown as { timeout(ms: number): { emitWithAck(event: string, body: unknown): Promise<T> } })
        .timeout(ms)
        .emitWithAck(event, body);

    it('refuses a handshake without a credential, naming what is missing', async () => {
      const client = connectLive(t.baseUrl);
      const error = await new Promise<Error>((resolve) => client.socket.once('connect_error', resolve));
      client.close();
      expect(error.message).toBe('unauthorized: a valid credential is required in auth.token');
    });

    it.each(SIGNED_IN)('accepts the handshake of %s and sends its snapshot', (who) => {
      expect(sockets[who as Exclude<Who, 'none'>].socket.connected).toBe(true);
      expect(sockets[who as Exclude<Who, 'none'>].snapshots).toHaveLength(1);
    });

    it('refuses a malformed handshake, naming the field', async () => {
      const client = connectLive(t.baseUrl, { token: c.tokens.admin!, since: -1 });
      const error = await new Promise<Error>((resolve) => client.socket.once('connect_error', resolve));
      client.close();
      expect(error.message).toMatch(/^handshake: since: /);
    });

    const scopes: [string, () => object, Who[]][] = [
      ['the organisation {}', () => ({}), SEE_ALL],
      ['team A', () => ({ teamId: c.orgA.team.id }), [...SEE_ALL, 'manager']],
      ['team B', () => ({ teamId: c.teamB.id }), SEE_ALL],
      ['territory A', () => ({ territoryId: c.orgA.territory.id }), SEE_ALL],
      ['rep A', () => ({ repId: repA() }), [...SEE_ALL, 'manager', 'rep']],
      ['rep B', () => ({ repId: c.repB.id }), [...SEE_ALL, 'otherRep']],
      ['an unknown team', () => ({ teamId: randomUUID() }), SEE_ALL],
      ['an unknown rep', () => ({ repId: randomUUID() }), SEE_ALL],
    ];
    it.each(scopes.flatMap(([what, scope, allowed]) => SIGNED_IN.map((who) => [what, who, allowed.includes(who), scope] as const)))(
      'subscribe to %s: %s may: %s',
      async (_what, who, allowed, scope) => {
        const answer = await ack<{ ok: boolean; error?: string }>(who as Exclude<Who, 'none'>, 'subscribe', scope());
        expect(answer).toEqual(allowed ? { ok: true } : { ok: false, error: FIGURES_FORBIDDEN });
      },
    );

    /** What each caller may read in full of the two deals made after it connected. */
    const readable: Record<Exclude<Who, 'none'>, ('A' | 'B')[]> = {
      admin: ['A', 'B'],
      manager: ['A'],
      rep: ['A'],
      otherRep: ['B'],
      display: ['A', 'B'],
      readKey: ['A', 'B'],
      writeKey: ['A', 'B'],
    };
    it.each(SIGNED_IN)("resync for %s replays every event in order, others' deals as event.hidden", async (who) => {
      const answer = await ack<ResyncResult>(who as Exclude<Who, 'none'>, 'resync', { since });
      if (!answer.ok || answer.mode !== 'replay') throw new Error(`expected a replay, got ${JSON.stringify(answer)}`);
      expect(answer.events.map((e) => e.seq)).toEqual(Array.from({ length: answer.head - since }, (_, i) => since + 1 + i));
      const dealsSeen = answer.events.flatMap((e) => {
        const deal = (e.payload as { deal?: { id: string } }).deal;
        return deal?.id === newDealA ? ['A'] : deal?.id === newDealB ? ['B'] : [];
      });
      expect([...new Set(dealsSeen)].sort()).toEqual(readable[who as Exclude<Who, 'none'>]);
      const hidden = answer.events.filter((e) => e.type === 'event.hidden');
      expect(hidden.length > 0).toBe(readable[who as Exclude<Who, 'none'>].length < 2);
      expect(hidden.every((e) => Object.keys(e.payload).length === 0)).toBe(true);
    });

    const malformed: [string, string, unknown, RegExp][] = [
      ['subscribe', 'a team id that is not a UUID', { teamId: 'team-a' }, /^teamId: /],
      ['subscribe', 'an unknown field', { colour: 'red' }, /^colour: is not a known field/],
      ['resync', 'a since that is not a number', { since: 'yesterday' }, /^since: /],
      ['resync', 'no since', {}, /^since: is required/],
    ];
    it.each(malformed.flatMap(([event, what, body, error]) => SIGNED_IN.map((who) => [event, what, who, body, error] as const)))(
      '%s with %s from %s gets an error naming the field',
      async (event, _what, who, body, error) => {
        expect(await ack(who as Exclude<Who, 'none'>, event, body)).toEqual({ ok: false, error: expect.stringMatching(error) });
      },
    );

    it('answers an unknown message with an error naming it, whoever sends it, and keeps the socket', async () => {
      const answers = await Promise.all(
        SIGNED_IN.map(async (who) => [
          who,
          await ack(who as Exclude<Who, 'none'>, 'unsubscribeAll', {}, 1000).catch((error: Error) => `no answer: ${error.message}`),
        ]),
      );
      expect(Object.fromEntries(answers)).toEqual(
        Object.fromEntries(SIGNED_IN.map((who) => [who, { ok: false, error: expect.stringMatching(/unsubscribeAll/) }])),
      );
      expect(SIGNED_IN.filter((who) => !sockets[who as Exclude<Who, 'none'>].socket.connected)).toEqual([]);
    });
  });
});
