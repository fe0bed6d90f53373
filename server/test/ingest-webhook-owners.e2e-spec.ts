/**
 * CRM owners as reps, and CRM retries that arrive late: HubSpot's hubspot_owner_id and
 * Pipedrive's owner_id/user_id go to the rep the owner map names, and a HubSpot change older than
 * the last one applied to the same property of the same deal changes nothing (nor brings a
 * deleted deal back). Deliveries in the shapes of the CRMs' documentation, signed and sent for real.
 */
import { createHmac } from 'node:crypto';
import type { CrmOwnerMap } from '@salesboard/shared';
import { createOrg, type Org } from './support/fixtures.js';
import { bootIngestApp, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-owner-tests';
const PIPEDRIVE = { user: 'pipedrive-hook', password: 'pipedrive-hook-password' };

describe('CRM owner maps and late retries', () => {
  let t: IngestTestApp;
  let org: Org;
  let nextEventId = 1;

  const dealOf = async (source: string, externalId: string) =>
    (
      await t.db.query<{ id: string; amount: string; stage: string; owner_id: string }>(
        'SELECT id, amount::text AS amount, stage, owner_id FROM deals WHERE source = $1 AND external_id = $2',
        [source, externalId],
      )
    )[0];

  beforeAll(async () => {
    t = await bootIngestApp({ HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET, PIPEDRIVE_WEBHOOK_USER: PIPEDRIVE.user, PIPEDRIVE_WEBHOOK_PASSWORD: PIPEDRIVE.password });
    org = await createOrg(t.api, 3);
  });
  afterAll(async () => t.close());

  describe('the owner map', () => {
    it('is replaced whole by an admin and read back, and names what is wrong with a 400', async () => {
      expect((await t.api.get('/api/webhooks/hubspot/owner-map').expect(200)).body).toEqual({ provider: 'hubspot', owners: {} });
      const put = await t.api
        .put('/api/webhooks/hubspot/owner-map')
        .send({ owners: { '31337': org.reps[1].id, '41414': org.reps[2].id } })
        .expect(200);
      expect(put.body).toEqual({ provider: 'hubspot', owners: { '31337': org.reps[1].id, '41414': org.reps[2].id } } satisfies CrmOwnerMap);
      expect((await t.api.get('/api/webhooks/hubspot/owner-map').expect(200)).body).toEqual(put.body);

      const ghost = '00000000-0000-4000-8000-000000000000';
      const missing = await t.api
        .put('/api/webhooks/hubspot/owner-map')
        .send({ owners: { '31337': org.reps[1].id, '999': ghost } })
        .expect(400);
      expect(missing.body.message).toBe(`owners.999: no rep with id ${ghost}`);
      const malformed = await t.api
        .put('/api/webhooks/hubspot/owner-map')
        .send({ owners: { '1': 'rep one' } })
        .expect(400);
      expect(malformed.body.message).toMatch(/^owners\.1: must be a UUID/);
      expect((await t.api.put('/api/webhooks/salesforce/owner-map').send({ owners: {} }).expect(400)).body.message).toBe(
        'provider: "salesforce" is not one of hubspot, pipedrive',
      );
      // The failed writes changed nothing.
      expect((await t.api.get('/api/webhooks/hubspot/owner-map').expect(200)).body).toEqual(put.body);
    });
  });

  describe('HubSpot', () => {
    const uri = () => `${t.baseUrl}/api/webhooks/hubspot`;
    const sign = (body: string, timestamp = Date.now()) => ({
      'Content-Type': 'application/json',
      'X-HubSpot-Request-Timestamp': String(timestamp),
      'X-HubSpot-Signature-v3': createHmac('sha256', HUBSPOT_SECRET).update(`POST${uri()}${body}${timestamp}`).digest('base64'),
    });
    const deliver = (events: object[]) => {
      const body = JSON.stringify(events);
      return t.api.post('/api/webhooks/hubspot').set(sign(body)).send(body).expect(200);
    };
    /** An event as HubSpot's webhooks API v3 documents it, at a given time. */
    const event = (objectId: number, subscriptionType: string, occurredAt: number, extra: object = {}) => ({
      eventId: nextEventId++,
      subscriptionId: 2417836,
      portalId: 62515,
      appId: 1160452,
      occurredAt,
      subscriptionType,
      attemptNumber: 0,
      objectId,
      changeSource: 'CRM',
      ...extra,
    });
    const change = (objectId: number, occurredAt: number, propertyName: string, propertyValue: string, attemptNumber = 0) =>
      event(objectId, 'deal.propertyChange', occurredAt, { propertyName, propertyValue, changeFlag: 'UPDATED', sourceId: 'userId:1234567', attemptNumber });

    it('gives a deal to the rep its hubspot_owner_id is mapped to, and leaves an unmapped owner alone', async () => {
      const t0 = Date.now() - 60_000;
      await deliver([event(9100, 'deal.creation', t0), change(9100, t0 + 1, 'dealname', 'Klinik Sehat fleet')]);
      expect((await dealOf('hubspot', '9100')).owner_id).toBe(org.reps[0].id);
      expect((await deliver([change(9100, t0 + 2, 'hubspot_owner_id', '31337')])).body).toMatchObject({ applied: 1, ignored: 0 });
      expect((await dealOf('hubspot', '9100')).owner_id).toBe(org.reps[1].id);
      const head = await seqHead(t.db);
      expect((await deliver([change(9100, t0 + 3, 'hubspot_owner_id', '55555')])).body).toMatchObject({ applied: 0, ignored: 1 });
      expect((await dealOf('hubspot', '9100')).owner_id).toBe(org.reps[1].id);
      expect(await seqHead(t.db)).toBe(head);
    });

    it('ignores a retry that arrives after a newer change of the same property, and applies other properties', async () => {
      const t0 = Date.now() - 50_000;
      await deliver([event(9200, 'deal.creation', t0)]);
      await deliver([change(9200, t0 + 2000, 'amount', '500000')]);
      const deal = await dealOf('hubspot', '9200');
      expect(deal.amount).toBe('500000.00');
      const head = await seqHead(t.db);

      // HubSpot's retry of an earlier change (a failed first attempt), delivered late.
      expect((await deliver([change(9200, t0 + 1000, 'amount', '300000', 3)])).body).toEqual({ received: 1, applied: 0, duplicates: 0, ignored: 1 });
      expect((await dealOf('hubspot', '9200')).amount).toBe('500000.00');
      expect(await seqHead(t.db)).toBe(head);

      // A different property of the same time is not stale: each property keeps its own clock.
      expect((await deliver([change(9200, t0 + 1000, 'dealstage', 'contractsent')])).body).toMatchObject({ applied: 1 });
      expect((await dealOf('hubspot', '9200')).stage).toBe('negotiation');
      // A newer change of the amount still applies, and one at the same instant as the last is not older.
      expect((await deliver([change(9200, t0 + 3000, 'amount', '750000')])).body).toMatchObject({ applied: 1 });
      expect((await deliver([change(9200, t0 + 3000, 'amount', '760000')])).body).toMatchObject({ applied: 1 });
      expect((await dealOf('hubspot', '9200')).amount).toBe('760000.00');
    });

    it('does not bring a deleted deal back for a change made before its deletion, but a later restore does', async () => {
      const t0 = Date.now() - 40_000;
      await deliver([event(9300, 'deal.creation', t0), change(9300, t0 + 10, 'amount', '100000')]);
      await deliver([event(9300, 'deal.deletion', t0 + 5000, { changeFlag: 'DELETED' })]);
      expect(await dealOf('hubspot', '9300')).toBeUndefined();
      expect((await deliver([change(9300, t0 + 4000, 'amount', '200000', 2)])).body).toMatchObject({ applied: 0, ignored: 1 });
      expect(await dealOf('hubspot', '9300')).toBeUndefined();
      expect((await deliver([event(9300, 'deal.restore', t0 + 6000)])).body).toMatchObject({ applied: 1 });
      expect(await dealOf('hubspot', '9300')).toBeDefined();
    });
  });

  describe('Pipedrive', () => {
    const basic = `Basic ${Buffer.from(`${PIPEDRIVE.user}:${PIPEDRIVE.password}`).toString('base64')}`;
    let deliveryNo = 0;
    const deliver = (action: string, data: object) =>
      t.api
        .post('/api/webhooks/pipedrive')
        .set('Authorization', basic)
        .send({
          meta: {
            action,
            entity: 'deal',
            entity_id: String((data as { id: number }).id),
            id: `owner-test-${++deliveryNo}`,
            version: '2.0',
            timestamp: new Date().toISOString(),
          },
          data,
          previous: null,
        })
        .expect(200);
    const deal = (fields: object) => ({ id: 850, title: 'Apotek Sehat POS', value: 50000000, currency: 'IDR', status: 'open', stage_id: 1, ...fields });

    it('gives deals to the rep of their owner_id (v2) or user_id (v1), through the owner map', async () => {
      await t.api
        .put('/api/webhooks/pipedrive/owner-map')
        .send({ owners: { '18487521': org.reps[2].id, '777': org.reps[1].id } })
        .expect(200);
      await deliver('create', deal({ owner_id: 18487521 }));
      expect((await dealOf('pipedrive', '850')).owner_id).toBe(org.reps[2].id);
      await deliver('change', deal({ owner_id: '777' }));
      expect((await dealOf('pipedrive', '850')).owner_id).toBe(org.reps[1].id);
      // v1 sends the user as an object; an owner not in the map keeps the deal where it is.
      await deliver('create', deal({ id: 851, user_id: { id: 18487521, name: 'Siti', email: 'siti@example.co.id' } }));
      expect((await dealOf('pipedrive', '851')).owner_id).toBe(org.reps[2].id);
      await deliver('change', deal({ owner_id: 99 }));
      expect((await dealOf('pipedrive', '850')).owner_id).toBe(org.reps[1].id);
    });
  });
});
