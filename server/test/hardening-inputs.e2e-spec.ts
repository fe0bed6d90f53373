/**
 * Issue #13, bounded inputs: every date and instant the API, imports and webhooks take lies in
 * DATE_RANGE, text holds no NUL, avatars are https: or data:image/ URLs, and each bad value is a
 * 400 naming its field with nothing written, never a 500 or a KPI engine stopped for good.
 */
import request from 'supertest';
import type { ImportJob } from '@salesboard/shared';
import { bootIngestApp, countRows, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { CAST_PASSWORD, login } from './support/cast.js';
import { postHubSpot } from './support/hubspot.js';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
const PIPEDRIVE = { user: 'pipedrive-hook', password: 'pipedrive-hook-password' };
const DAY_MS = 86_400_000;

/** Row counts of the tables a write could touch, and the log head: all equal after a refusal. */
const WRITTEN_TABLES = ['deals', 'activities', 'quotas', 'reps', 'leads', 'lead_status_history', 'event_log', 'audit_log', 'webhook_deliveries', 'crm_property_clock', 'import_jobs'];

describe('bounded inputs (issue #13)', () => {
  let t: IngestTestApp;
  let org: Org;
  let rep: ReturnType<typeof request.agent>;

  const state = async () => {
    const counts: Record<string, number> = { seq: await seqHead(t.db) };
    for (const table of WRITTEN_TABLES) counts[table] = await countRows(t.db, table);
    return counts;
  };
  /** Sends a request that must be refused with `status` and a message naming `field`; nothing may change. */
  const refused = async (send: () => request.Test, status: number, field: RegExp) => {
    const before = await state();
    const response = await send();
    expect({ status: response.status, message: response.body.message }).toEqual({ status, message: expect.stringMatching(field) });
    expect(await state()).toEqual(before);
    return response;
  };

  beforeAll(async () => {
    t = await bootIngestApp({ HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET, PIPEDRIVE_WEBHOOK_USER: PIPEDRIVE.user, PIPEDRIVE_WEBHOOK_PASSWORD: PIPEDRIVE.password });
    org = await createOrg(t.api);
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: org.reps[0].id, password: CAST_PASSWORD }).expect(201);
    rep = request.agent(t.baseUrl).set('Authorization', `Bearer ${await login(t.baseUrl, 'ayu@example.co.id')}`);
    await t.api
      .put('/api/webhooks/pipedrive/stage-map')
      .send({ stages: { '1': 'lead' }, defaultOwnerId: org.reps[0].id })
      .expect(200);
  });
  afterAll(async () => t.close());

  describe('dates and instants', () => {
    it("refuses a rep's activity dated 1 BC and keeps the KPIs answering", async () => {
      await refused(
        () => rep.post('/api/activities').send({ type: 'call', repId: org.reps[0].id, at: '0000-01-01T00:00:00Z' }),
        400,
        /^at: must be between 1970-01-01 and 2100-12-31/,
      );
      await refused(() => rep.post('/api/activities').send({ type: 'call', repId: org.reps[0].id, at: '2101-01-01T00:00:00Z' }), 400, /^at: /);
      await rep.post('/api/activities').send({ type: 'call', repId: org.reps[0].id, at: '2026-03-01T03:00:00Z' }).expect(201);
      await t.api.get('/api/kpis').expect(200);
    });

    it('rebuilds the KPIs from a database that already holds activities dated 1 BC and 9999', async () => {
      // Written before the bounds existed: the loader must neither fail on them nor walk every day in between.
      await t.db.query(`INSERT INTO activities (type, rep_id, at) VALUES ('call', $1, '0001-01-01 00:00:00+00 BC'), ('email', $1, '9999-12-31 00:00:00+00')`, [
        org.reps[1].id,
      ]);
      const check = await t.api.get('/api/kpis/check').expect(200);
      expect(check.body.ok).toBe(true);
      await t.api.get('/api/kpis').expect(200);
    });

    it('refuses expected close dates and quota periods outside the range or the calendar', async () => {
      const deal = await createDeal(t.api, org.reps[0].id);
      await refused(
        () => t.api.post('/api/deals').send({ name: 'Old', ownerId: org.reps[0].id, amount: 1, expectedCloseDate: '0000-01-01' }),
        400,
        /^expectedCloseDate: /,
      );
      await refused(() => t.api.patch(`/api/deals/${deal.id}`).send({ expectedCloseDate: '9999-12-31' }), 400, /^expectedCloseDate: /);
      await refused(
        () => t.api.post('/api/deals').send({ name: 'Leap', ownerId: org.reps[0].id, amount: 1, expectedCloseDate: '2026-02-30' }),
        400,
        /^expectedCloseDate: /,
      );
      await refused(
        () => t.api.put('/api/quotas').send({ repId: org.reps[0].id, period: 'month', periodStart: '0000-01-01', amount: 1 }),
        400,
        /^periodStart: /,
      );
    });

    it('refuses audit and KPI queries outside the range, naming the parameter', async () => {
      await refused(() => t.api.get('/api/audit').query({ before: '0000-01-01T00:00:00Z' }), 400, /^before: /);
      await refused(() => t.api.get('/api/kpis').query({ from: '0001-01-01', to: '9999-12-31' }), 400, /^from: .*; to: /);
      await refused(() => t.api.get('/api/leaderboard').query({ from: '1969-12-31', to: '2026-01-31' }), 400, /^from: /);
      await t.api.get('/api/kpis').query({ from: '1970-01-01', to: '2100-12-31' }).expect(200);
    });
  });

  describe('text', () => {
    it('refuses a NUL character in a text field with a 400 naming it', async () => {
      await refused(() => t.api.post('/api/deals').send({ name: 'PT \u0000 Maju', ownerId: org.reps[0].id, amount: 1 }), 400, /^name: must not contain/);
      await refused(() => rep.post('/api/activities').send({ type: 'call', repId: org.reps[0].id, note: 'called\u0000' }), 400, /^note: must not contain/);
      await refused(() => t.api.post('/api/leads').send({ source: 'web\u0000' }), 400, /^source: /);
      await refused(() => t.api.get('/api/audit').query({ action: 'deal\u0000' }), 400, /^action: /);
    });

    it('takes an avatar only as an https: or data:image/ URL', async () => {
      await refused(
        () => t.api.patch(`/api/reps/${org.reps[0].id}`).send({ avatarUrl: 'javascript:alert(1)' }),
        400,
        /^avatarUrl: must be an https: or data:image\/ URL/,
      );
      await refused(
        () => t.api.post('/api/reps').send({ name: 'Eko', email: 'eko@example.co.id', avatarUrl: 'http://example.com/eko.png' }),
        400,
        /^avatarUrl: /,
      );
      await refused(() => t.api.patch(`/api/reps/${org.reps[0].id}`).send({ avatarUrl: 'data:text/html,<script>alert(1)</script>' }), 400, /^avatarUrl: /);
      await t.api.patch(`/api/reps/${org.reps[0].id}`).send({ avatarUrl: 'https://example.com/ayu.png' }).expect(200);
      await t.api.patch(`/api/reps/${org.reps[0].id}`).send({ avatarUrl: 'data:image/png;base64,iVBORw0KGgo=' }).expect(200);
    });
  });

  describe('CSV import', () => {
    it('refuses a preview whose one field is 20 MB, naming the limit, as the import does', async () => {
      const huge = Buffer.concat([Buffer.from('Deal Name,Amount,Deal owner\n"'), Buffer.alloc(20 * 1024 * 1024, 'x'), Buffer.from('",1,Rep 1\n')]);
      const preview = await refused(() => t.api.post('/api/import/preview').attach('file', huge, 'huge.csv'), 400, /^file: .*1 MB/);
      const imported = await refused(() => t.api.post('/api/import/deals').attach('file', huge, 'huge.csv'), 400, /^file: .*1 MB/);
      expect(preview.body.message).toBe(imported.body.message);
    });

    it('rejects a row with a date outside the range or the calendar with its line and reason, and imports the others', async () => {
      const csv = [
        'Deal Name,Amount,Deal Stage,Close Date,Create Date,Deal owner',
        'Good deal,1000,won,2026-01-10,2026-01-01,Rep 1',
        'Ancient deal,1000,won,0001-01-01,0001-01-01,Rep 1',
        'Leap deal,1000,won,2026-02-30,2026-01-01,Rep 1',
        'Far deal,1000,lead,2200-01-01,2026-01-01,Rep 1',
      ].join('\n');
      const job = (await t.api.post('/api/import/deals').attach('file', Buffer.from(csv), 'dates.csv').expect(201)).body as ImportJob;
      expect(job).toMatchObject({ status: 'completed', created: 1, rejected: 3 });
      const rejected = (await t.api.get(`/api/import/jobs/${job.id}/rejected.csv`).expect(200)).text;
      // Quotes inside a CSV cell are doubled.
      expect(rejected).toMatch(/^3,"closeDate: ""0001-01-01"" is outside 1970-01-01 – 2100-12-31",Ancient deal/m);
      expect(rejected).toMatch(/^4,"closeDate: ""2026-02-30"" is not a date",Leap deal/m);
      expect(rejected).toMatch(/^5,"closeDate: ""2200-01-01"" is outside 1970-01-01 – 2100-12-31",Far deal/m);
    });
  });

  describe('webhooks', () => {
    let eventId = 1;
    const hubspot = (events: object[]) => {
      const body = JSON.stringify(events);
      return postHubSpot(t, HUBSPOT_SECRET, body);
    };
    const hubspotEvent = (extra: object) => ({
      eventId: eventId++,
      portalId: 62515,
      occurredAt: Date.now(),
      objectId: 9100,
      subscriptionType: 'deal.creation',
      ...extra,
    });
    let deliveryNo = 0;
    const pipedrive = (data: object) =>
      t.api
        .post('/api/webhooks/pipedrive')
        .set('Authorization', `Basic ${Buffer.from(`${PIPEDRIVE.user}:${PIPEDRIVE.password}`).toString('base64')}`)
        .send({
          meta: { action: 'create', entity: 'deal', id: `hardening-${++deliveryNo}`, timestamp: new Date().toISOString(), version: '2.0' },
          data: { id: 9200, title: 'Klinik Sehat', value: 1000, currency: 'IDR', status: 'open', stage_id: 1, ...data },
        });

    it('refuses a Pipedrive deal whose expected close date is not a real date, so it is not retried for ever', async () => {
      await refused(() => pipedrive({ expected_close_date: '2026-02-30' }), 400, /^data\.expected_close_date: "2026-02-30" is not a date/);
      await refused(() => pipedrive({ expected_close_date: '0000-01-01' }), 400, /^data\.expected_close_date: /);
      await pipedrive({ expected_close_date: '2026-02-28' }).expect(200);
    });

    it('refuses a HubSpot event dated more than a day ahead, and close dates outside the range', async () => {
      await refused(() => hubspot([hubspotEvent({ occurredAt: Date.now() + 2 * DAY_MS })]), 400, /^0\.occurredAt: /);
      await refused(() => hubspot([hubspotEvent({ occurredAt: 8.64e15 })]), 400, /^0\.occurredAt: /);
      await hubspot([hubspotEvent({})]).expect(200);
      await refused(
        () => hubspot([hubspotEvent({ subscriptionType: 'deal.propertyChange', propertyName: 'closedate', propertyValue: '0000-01-01' })]),
        422,
        /^0\.propertyValue: closedate "0000-01-01"/,
      );
      await refused(
        () => hubspot([hubspotEvent({ subscriptionType: 'deal.propertyChange', propertyName: 'closedate', propertyValue: '2026-02-30' })]),
        422,
        /^0\.propertyValue: /,
      );
    });
  });
});
