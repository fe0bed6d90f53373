import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';

describe('Idempotency-Key on writes', () => {
  let t: TestApp;
  let org: Org;
  const head = async () => Number((await t.db.query<{ seq: string }>('SELECT seq FROM event_seq'))[0].seq);
  const count = async (table: string) => Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  it('answers a repeated create with the first answer and creates one deal', async () => {
    const body = { name: 'PT Samudra Biru', ownerId: org.reps[0].id, amount: '50000000' };
    const first = await t.api.post('/api/deals').set('Idempotency-Key', 'create-1').send(body).expect(201);
    const before = await head();
    const deals = await count('deals');
    const again = await t.api
      .post('/api/deals')
      .set('Idempotency-Key', 'create-1')
      .send({ amount: '50000000', ownerId: org.reps[0].id, name: 'PT Samudra Biru' })
      .expect(201);
    expect(again.body).toEqual(first.body);
    expect(await count('deals')).toBe(deals);
    expect(await head()).toBe(before);
  });

  it('refuses the same key with a different body with 422 and changes nothing', async () => {
    const deal = await createDeal(t.api, org.reps[0].id);
    await t.api.post(`/api/deals/${deal.id}/stage`).set('Idempotency-Key', 'move-1').send({ stage: 'demo' }).expect(200);
    const before = await head();
    const response = await t.api.post(`/api/deals/${deal.id}/stage`).set('Idempotency-Key', 'move-1').send({ stage: 'proposal' }).expect(422);
    expect(response.body).toMatchObject({ statusCode: 422, message: 'Idempotency-Key: move-1 was first used with a different body' });
    expect(await head()).toBe(before);
    const [row] = await t.db.query<{ stage: string }>('SELECT stage FROM deals WHERE id = $1', [deal.id]);
    expect(row.stage).toBe('demo');
  });

  it('applies ten concurrent repeats of one stage change once, with one event', async () => {
    const deal = await createDeal(t.api, org.reps[1].id);
    const before = await head();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.api.post(`/api/deals/${deal.id}/stage`).set('Idempotency-Key', `concurrent-${deal.id}`).send({ stage: 'won' })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const distinct = [...new Set(answers.map((a) => JSON.stringify(a.body)))];
    expect(distinct).toEqual([distinct[0]]);
    expect(await head()).toBe(before + 1);
    const history = await t.db.query('SELECT to_stage FROM stage_history WHERE deal_id = $1', [deal.id]);
    expect(history).toHaveLength(2);
  });

  it('scopes a key to its route, and a failed request does not use the key up', async () => {
    const deal = await createDeal(t.api, org.reps[0].id);
    await t.api.post(`/api/deals/${deal.id}/stage`).set('Idempotency-Key', 'retry-me').send({ stage: 'nope' }).expect(400);
    await t.api.post(`/api/deals/${deal.id}/stage`).set('Idempotency-Key', 'retry-me').send({ stage: 'demo' }).expect(200);
    await t.api.patch(`/api/deals/${deal.id}`).set('Idempotency-Key', 'retry-me').send({ amount: 1 }).expect(200);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const response = await t.api.post('/api/teams').set('Idempotency-Key', 'x'.repeat(201)).send({ name: 'Tim Baru' }).expect(400);
    expect(response.body.message).toBe('Idempotency-Key: must be 1 to 200 visible ASCII characters');
  });
});
