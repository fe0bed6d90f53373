/**
 * CRM webhooks as HubSpot and Pipedrive send them (payload shapes from their documentation):
 * authenticated deliveries move deals and reach a live socket; forged, stale or malformed ones
 * change nothing; a delivery repeated, even ten times at once, applies once.
 */
import { createHmac } from 'node:crypto';
import type { CrmStageMap, WebhookResult } from '@salesboard/shared';
import { createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';
import { bootIngestApp, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
const PIPEDRIVE = { user: 'pipedrive-hook', password: 'pipedrive-hook-password' };

interface DealRow {
  id: string;
  name: string;
  stage: string;
  amount: string;
  owner_id: string;
  expected_close_date: string | null;
}

describe('CRM webhooks', () => {
  let t: IngestTestApp;
  let org: Org;
  let nextEventId = 1;

  const dealOf = async (source: string, externalId: string) =>
    (
      await t.db.query<DealRow>(
        `SELECT id, name, stage, amount::text AS amount, owner_id, to_char(expected_close_date, 'YYYY-MM-DD') AS expected_close_date
           FROM deals WHERE source = $1 AND external_id = $2`,
        [source, externalId],
      )
    )[0];
  const historyOf = async (dealId: string) =>
    (
      await t.db.query<{ from_stage: string | null; to_stage: string }>('SELECT from_stage, to_stage FROM stage_history WHERE deal_id = $1 ORDER BY id', [
        dealId,
      ])
    ).map((h) => [h.from_stage, h.to_stage]);

  beforeAll(async () => {
    t = await bootIngestApp({ HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET, PIPEDRIVE_WEBHOOK_USER: PIPEDRIVE.user, PIPEDRIVE_WEBHOOK_PASSWORD: PIPEDRIVE.password });
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  describe('HubSpot', () => {
    const uri = () => `${t.baseUrl}/api/webhooks/hubspot`;
    /** X-HubSpot-Signature-v3 as HubSpot computes it: base64(HMAC-SHA256(secret, method + uri + body + timestamp)). */
    const sign = (body: string, timestamp = Date.now(), secret = HUBSPOT_SECRET) => ({
      'Content-Type': 'application/json',
      'X-HubSpot-Request-Timestamp': String(timestamp),
      'X-HubSpot-Signature-v3': createHmac('sha256', secret).update(`POST${uri()}${body}${timestamp}`).digest('base64'),
    });
    const deliver = (events: object[], headers?: Record<string, string>) => {
      const body = JSON.stringify(events);
      return t.api
        .post('/api/webhooks/hubspot')
        .set(headers ?? sign(body))
        .send(body);
    };
    /** One event as HubSpot's webhooks API v3 documents it. */
    const event = (objectId: number, subscriptionType: string, extra: object = {}) => ({
      eventId: nextEventId++,
      subscriptionId: 2417836,
      portalId: 62515,
      appId: 1160452,
      occurredAt: Date.now(),
      subscriptionType,
      attemptNumber: 0,
      objectId,
      changeSource: 'CRM',
      ...extra,
    });
    const change = (objectId: number, propertyName: string, propertyValue: string) =>
      event(objectId, 'deal.propertyChange', { propertyName, propertyValue, changeFlag: 'UPDATED', sourceId: 'userId:1234567' });

    it('creates and moves a deal on signed deliveries, and the change reaches a live socket', async () => {
      const live = connectLive(t.baseUrl, { token: t.token });
      const snapshot = await live.waitForSnapshot();

      const created = await deliver([
        event(7001, 'deal.creation', { changeFlag: 'CREATED' }),
        change(7001, 'dealname', 'PT Sentosa ERP rollout'),
        change(7001, 'amount', '325000000'),
      ]).expect(200);
      expect(created.body).toEqual({ received: 3, applied: 3, duplicates: 0, ignored: 0 } satisfies WebhookResult);
      const moved = await deliver([change(7001, 'dealstage', 'presentationscheduled')]).expect(200);
      expect(moved.body).toMatchObject({ applied: 1 });

      const deal = await dealOf('hubspot', '7001');
      expect(deal).toMatchObject({ name: 'PT Sentosa ERP rollout', amount: '325000000.00', stage: 'demo', owner_id: org.reps[0].id });
      expect(await historyOf(deal.id)).toEqual([
        [null, 'lead'],
        ['lead', 'demo'],
      ]);
      const stageChanged = await live.waitForEvent((e) => e.type === 'deal.stageChanged' && e.payload.deal.id === deal.id);
      expect(stageChanged.payload).toMatchObject({ from: 'lead', to: 'demo', deal: { source: 'hubspot', externalId: '7001', stage: 'demo' } });
      expect(live.events.filter((e) => e.seq > snapshot.seq && e.type.startsWith('deal.')).map((e) => e.type)).toEqual([
        'deal.created',
        'deal.updated',
        'deal.updated',
        'deal.stageChanged',
      ]);
      live.close();
    });

    it('refuses forged, stale, unsigned and malformed deliveries with 401 or 400, changing nothing', async () => {
      const head = await seqHead(t.db);
      const before = await dealOf('hubspot', '7001');
      const body = JSON.stringify([change(7001, 'dealstage', 'closedwon')]);
      const send = (payload: string, headers: Record<string, string>) => t.api.post('/api/webhooks/hubspot').set(headers).send(payload);

      const forged = await send(body, sign(body, Date.now(), 'not-the-secret')).expect(401);
      expect(forged.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'X-HubSpot-Signature-v3: does not match the delivery' });
      const tampered = await send(body.replace('closedwon', 'closedlost'), sign(body)).expect(401);
      expect(tampered.body.message).toBe('X-HubSpot-Signature-v3: does not match the delivery');
      const stale = await send(body, sign(body, Date.now() - 6 * 60 * 1000)).expect(401);
      expect(stale.body.message).toMatch(/^X-HubSpot-Request-Timestamp: more than 5 minutes/);
      const unsigned = await send(body, { 'Content-Type': 'application/json' }).expect(401);
      expect(unsigned.body.message).toBe('X-HubSpot-Signature-v3: is required');
      const notArray = JSON.stringify({ eventId: 1 });
      expect((await send(notArray, sign(notArray)).expect(400)).body.message).toMatch(/^body: /);
      const noId = JSON.stringify([{ subscriptionType: 'deal.propertyChange', objectId: 7001, occurredAt: Date.now() }]);
      expect((await send(noId, sign(noId)).expect(400)).body.message).toBe('0.eventId: is required');
      expect((await send('[{"eventId":', sign('[{"eventId":')).expect(400)).body.message).toBe('body: is not valid JSON');

      expect(await seqHead(t.db)).toBe(head);
      expect(await dealOf('hubspot', '7001')).toEqual(before);
    });

    it('applies a delivery once, whether it comes twice or ten times at once', async () => {
      const deal = await dealOf('hubspot', '7001');
      const proposal = [change(7001, 'dealstage', 'decisionmakerboughtin')];
      const head = await seqHead(t.db);
      expect((await deliver(proposal).expect(200)).body).toMatchObject({ applied: 1, duplicates: 0 });
      expect((await deliver(proposal).expect(200)).body).toMatchObject({ applied: 0, duplicates: 1 });
      expect(await seqHead(t.db)).toBe(head + 1);

      const won = [change(7001, 'dealstage', 'closedwon')];
      const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(won)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(answers.reduce((n, a) => n + (a.body as WebhookResult).applied, 0)).toBe(1);
      expect(await seqHead(t.db)).toBe(head + 2);
      const [event] = await t.db.query<{ type: string }>('SELECT type FROM event_log WHERE seq = $1', [head + 2]);
      expect(event.type).toBe('deal.won');
      expect(await historyOf(deal.id)).toEqual([
        [null, 'lead'],
        ['lead', 'demo'],
        ['demo', 'proposal'],
        ['proposal', 'won'],
      ]);
    });

    it('takes generic object.propertyChange events for deals (objectTypeId 0-3) and ignores other objects', async () => {
      const answer = await deliver([
        event(7001, 'object.propertyChange', { objectTypeId: '0-3', propertyName: 'amount', propertyValue: '410000000.50' }),
        event(51, 'object.propertyChange', { objectTypeId: '0-1', propertyName: 'firstname', propertyValue: 'Budi' }),
        event(52, 'contact.propertyChange', { propertyName: 'email', propertyValue: 'budi@example.co.id' }),
        change(7001, 'hs_lastmodifieddate', '1764300000000'),
      ]).expect(200);
      expect(answer.body).toEqual({ received: 4, applied: 1, duplicates: 0, ignored: 3 });
      expect((await dealOf('hubspot', '7001')).amount).toBe('410000000.50');
    });

    it('answers an unmapped stage with 422 and applies it once the stage map names it', async () => {
      const custom = [change(7002, 'dealstage', '1134245817')];
      const refused = await deliver(custom).expect(422);
      expect(refused.body.message).toBe(
        '0.propertyValue: HubSpot stage "1134245817" is not in the stage map (add it with PUT /api/webhooks/hubspot/stage-map) (0 other events applied)',
      );
      expect(await dealOf('hubspot', '7002')).toBeUndefined();

      const map = (await t.api.get('/api/webhooks/hubspot/stage-map').expect(200)).body as CrmStageMap;
      expect(map).toEqual({
        provider: 'hubspot',
        defaultOwnerId: null,
        stages: {
          appointmentscheduled: 'qualified',
          closedlost: 'lost',
          closedwon: 'won',
          contractsent: 'negotiation',
          decisionmakerboughtin: 'proposal',
          presentationscheduled: 'demo',
          qualifiedtobuy: 'qualified',
        },
      });
      const bad = await t.api
        .put('/api/webhooks/hubspot/stage-map')
        .send({ stages: { ...map.stages, '1134245817': 'closing' } })
        .expect(400);
      expect(bad.body.message).toBe('stages.1134245817: "closing" is not a stage of the pipeline (lead, qualified, demo, proposal, negotiation, won, lost)');
      const noRep = await t.api
        .put('/api/webhooks/hubspot/stage-map')
        .send({ stages: map.stages, defaultOwnerId: '3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f' })
        .expect(400);
      expect(noRep.body.message).toBe('defaultOwnerId: no rep with id 3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f');
      const saved = await t.api
        .put('/api/webhooks/hubspot/stage-map')
        .send({ stages: { ...map.stages, '1134245817': 'negotiation' }, defaultOwnerId: org.reps[1].id })
        .expect(200);
      expect(saved.body).toMatchObject({ stages: { '1134245817': 'negotiation' }, defaultOwnerId: org.reps[1].id });
      // Audited once, with what changed; the refused attempts wrote nothing.
      const audit = (await t.api.get('/api/audit?action=crmStageMap').expect(200)).body as { action: string; target: string; details: unknown }[];
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'crmStageMap.replace',
          target: 'crm:hubspot',
          details: { defaultOwnerId: { from: null, to: org.reps[1].id }, stages: { from: map.stages, to: { ...map.stages, '1134245817': 'negotiation' } } },
        }),
      ]);

      // HubSpot's retry of the same delivery now applies.
      expect((await deliver(custom).expect(200)).body).toMatchObject({ applied: 1 });
      expect(await dealOf('hubspot', '7002')).toMatchObject({ stage: 'negotiation', owner_id: org.reps[1].id, name: 'HubSpot deal 7002' });
    });

    it('deletes the deal on deal.deletion, once', async () => {
      const deal = await dealOf('hubspot', '7002');
      const head = await seqHead(t.db);
      expect((await deliver([event(7002, 'deal.deletion', { changeFlag: 'DELETED' })]).expect(200)).body).toMatchObject({ applied: 1 });
      expect(await dealOf('hubspot', '7002')).toBeUndefined();
      expect(await historyOf(deal.id)).toEqual([]);
      expect((await deliver([event(7002, 'deal.deletion', { changeFlag: 'DELETED' })]).expect(200)).body).toMatchObject({ applied: 1 });
      expect(await seqHead(t.db)).toBe(head + 1);
    });
  });

  describe('Pipedrive', () => {
    const basic = (user = PIPEDRIVE.user, password = PIPEDRIVE.password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const deliver = (body: object, authorization = basic()) => t.api.post('/api/webhooks/pipedrive').set('Authorization', authorization).send(body);
    let deliveryNo = 0;
    /** A webhooks v2 delivery as Pipedrive documents it. */
    const delivery = (action: string, data: object | null, previous: object | null = null, entityId: number | string = 801) => ({
      meta: {
        action,
        entity: 'deal',
        entity_id: String(entityId),
        id: `8c2d6d0e-7c7b-4d5a-9d3e-${String(++deliveryNo).padStart(12, '0')}`,
        company_id: '12882925',
        correlation_id: '2b7a3c1e-4f5d-4e6a-8b9c-0d1e2f3a4b5c',
        is_bulk_edit: false,
        timestamp: new Date().toISOString(),
        type: 'general',
        user_id: '18487521',
        version: '2.0',
        webhook_id: '99',
        webhook_owner_id: '18487521',
        change_source: 'app',
        permitted_user_ids: ['18487521'],
        attempt: 1,
        host: 'company.pipedrive.com',
      },
      data,
      previous,
    });
    const deal = (fields: object = {}) => ({
      id: 801,
      title: 'Klinik Sehat booking system',
      value: 120000000,
      currency: 'IDR',
      status: 'open',
      stage_id: 1,
      pipeline_id: 1,
      owner_id: 18487521,
      person_id: 3,
      org_id: 2,
      add_time: '2026-11-20T14:25:27Z',
      update_time: '2026-11-20T14:25:28Z',
      expected_close_date: '2026-12-30',
      custom_fields: {},
      label_ids: [],
      ...fields,
    });

    it('creates a deal, moves it on previous.stage_id and wins it on status, live', async () => {
      const live = connectLive(t.baseUrl, { token: t.token });
      await live.waitForSnapshot();
      expect((await deliver(delivery('create', deal())).expect(200)).body).toEqual({ received: 1, applied: 1, duplicates: 0, ignored: 0 });
      const created = await dealOf('pipedrive', '801');
      expect(created).toMatchObject({ name: 'Klinik Sehat booking system', amount: '120000000.00', stage: 'lead', expected_close_date: '2026-12-30' });

      // Ids arrive as strings as well as numbers: "801" is the same deal.
      await deliver(delivery('change', deal({ id: '801', stage_id: '4' }), { stage_id: 1 })).expect(200);
      const moved = await live.waitForEvent((e) => e.type === 'deal.stageChanged' && e.payload.deal.id === created.id);
      expect(moved.payload).toMatchObject({ from: 'lead', to: 'proposal' });
      await deliver(delivery('change', deal({ stage_id: 4, status: 'won', won_time: '2026-11-28T09:00:00Z' }), { status: 'open' })).expect(200);
      const won = await live.waitForEvent((e) => e.type === 'deal.won' && e.payload.deal.id === created.id);
      expect(won.payload).toMatchObject({ from: 'proposal', to: 'won', deal: { source: 'pipedrive', externalId: '801' } });
      expect(await historyOf(created.id)).toEqual([
        [null, 'lead'],
        ['lead', 'proposal'],
        ['proposal', 'won'],
      ]);
      live.close();
    });

    it('refuses a wrong password, missing credentials and malformed bodies, changing nothing', async () => {
      const head = await seqHead(t.db);
      const before = await dealOf('pipedrive', '801');
      const body = delivery('change', deal({ value: 1 }));
      expect((await deliver(body, basic(PIPEDRIVE.user, 'guess')).expect(401)).body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Authorization: wrong user or password',
      });
      expect((await deliver(body, basic('someone', PIPEDRIVE.password)).expect(401)).body.message).toBe('Authorization: wrong user or password');
      expect((await t.api.post('/api/webhooks/pipedrive').send(body).expect(401)).body.message).toBe('Authorization: HTTP Basic credentials are required');
      expect((await deliver({ data: deal() }).expect(400)).body.message).toBe('meta: is required');
      expect((await deliver(delivery('change', deal({ value: { amount: 5 } }))).expect(400)).body.message).toMatch(/^data\.value: /);
      expect((await deliver(delivery('change', null)).expect(400)).body.message).toBe('data: is required');
      expect(await seqHead(t.db)).toBe(head);
      expect(await dealOf('pipedrive', '801')).toEqual(before);
    });

    it('applies a delivery once, whether it comes twice or ten times at once', async () => {
      const head = await seqHead(t.db);
      const same = delivery('change', deal({ value: 135000000, status: 'won' }));
      expect((await deliver(same).expect(200)).body).toMatchObject({ applied: 1 });
      expect((await deliver(same).expect(200)).body).toMatchObject({ applied: 0, duplicates: 1 });
      const again = delivery('change', deal({ value: 150000000, status: 'won' }));
      const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(again)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(answers.reduce((n, a) => n + (a.body as WebhookResult).applied, 0)).toBe(1);
      expect(await seqHead(t.db)).toBe(head + 2);
      const events = await t.db.query<{ type: string }>('SELECT type FROM event_log WHERE seq > $1 ORDER BY seq', [head]);
      expect(events.map((e) => e.type)).toEqual(['deal.updated', 'deal.updated']);
      expect((await dealOf('pipedrive', '801')).amount).toBe('150000000.00');
    });

    it('answers an unmapped stage with 422, ignores other objects, and deletes on delete', async () => {
      const refused = await deliver(delivery('create', deal({ id: 802, stage_id: 77 }), null, 802)).expect(422);
      expect(refused.body.message).toBe('data.stage_id: Pipedrive stage 77 is not in the stage map (add it with PUT /api/webhooks/pipedrive/stage-map)');
      const person = { ...delivery('change', { id: 3, name: 'Budi' }), meta: { ...delivery('change', null).meta, entity: 'person' } };
      expect((await deliver(person).expect(200)).body).toMatchObject({ ignored: 1, applied: 0 });

      const existing = await dealOf('pipedrive', '801');
      expect((await deliver(delivery('delete', null, deal())).expect(200)).body).toMatchObject({ applied: 1 });
      expect(await dealOf('pipedrive', '801')).toBeUndefined();
      expect(await historyOf(existing.id)).toEqual([]);
    });

    it('ignores a delivery stamped before the last one applied to the deal: a late retry cannot put it back as it was', async () => {
      const at = (iso: string) => (body: ReturnType<typeof delivery>) => ({ ...body, meta: { ...body.meta, timestamp: iso } });
      const id = 802;
      await deliver(at('2026-11-28T10:00:00.000Z')(delivery('create', deal({ id, stage_id: 1 }), null, id))).expect(200);
      await deliver(at('2026-11-28T10:05:00.000Z')(delivery('change', deal({ id, stage_id: 4 }), { stage_id: 1 }, id))).expect(200);
      // The 10:01 change (to qualified) arrives last, as a retry would.
      const late = await deliver(at('2026-11-28T10:01:00.000Z')(delivery('change', deal({ id, stage_id: 2 }), { stage_id: 1 }, id))).expect(200);
      expect(late.body).toEqual({ received: 1, applied: 0, duplicates: 0, ignored: 1 });
      expect((await dealOf('pipedrive', String(id))).stage).toBe('proposal');
      // Nor does a change stamped before the deletion bring the deal back.
      await deliver(at('2026-11-28T10:10:00.000Z')(delivery('delete', null, deal({ id }), id))).expect(200);
      expect(
        (await deliver(at('2026-11-28T10:06:00.000Z')(delivery('change', deal({ id, stage_id: 5 }), { stage_id: 4 }, id))).expect(200)).body,
      ).toMatchObject({
        ignored: 1,
      });
      expect(await dealOf('pipedrive', String(id))).toBeUndefined();
    });
  });
});
