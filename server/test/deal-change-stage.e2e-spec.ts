/**
 * The one-statement stage change (issue #17): one round trip, the same answers and rules as the
 * transaction it replaced, and its events broadcast from memory in seq order.
 */
import fc from 'fast-check';
import pg from 'pg';
import request from 'supertest';
import type { Deal, LoggedEvent } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

/** The text of every statement any pg client of this process sends while `during` runs. */
async function statementsDuring(during: () => Promise<void>): Promise<string[]> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    sent.push(typeof first === 'string' ? first : (first?.text ?? ''));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = spy as typeof original;
  try {
    await during();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
}

/** The stream's once-a-second look at the counter: not the request's. */
const isPoll = (text: string) => text === 'SELECT seq FROM event_seq WHERE id = 1';

describe('a stage change is one statement', () => {
  let t: TestApp;
  let org: Org;
  const clients: RecordingClient[] = [];
  const live = () => {
    const client = connectLive(t.baseUrl, { token: t.adminToken });
    clients.push(client);
    return client;
  };
  const head = async () => Number((await t.db.query<{ seq: string }>('SELECT seq FROM event_seq'))[0].seq);
  const historyCount = async (dealId: string) => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM stage_history WHERE deal_id = $1', [dealId]))[0].n);

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => t.close());

  it('makes one round trip to PostgreSQL, and the node broadcasts it without reading the log', async () => {
    const deal = await createDeal(t.api, org.reps[0].id);
    const client = live();
    await client.waitForSnapshot();
    // Warm: the caller's standing is read once per minute, the statement prepared once per connection.
    await t.api.post(`/api/deals/${deal.id}/stage`).send({ stage: 'qualified' }).expect(200);
    await client.waitForEvent((e) => e.type === 'deal.stageChanged' && e.payload.to === 'qualified');

    const sent = await statementsDuring(async () => {
      await t.api.post(`/api/deals/${deal.id}/stage`).send({ stage: 'demo' }).expect(200);
      await client.waitForEvent((e) => e.type === 'deal.stageChanged' && e.payload.to === 'demo');
    });
    const statements = sent.filter((text) => !isPoll(text));
    // The KPI store applies the event in memory; anything it or the stream read would show here.
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT deal_change_stages\(/);
    expect(sent.some((text) => /FROM event_log/.test(text))).toBe(false);
  });

  it('answers, logs and stores the deal exactly as GET shows it, whatever the deal and the move', async () => {
    const account = (await t.api.post('/api/accounts').send({ name: 'PT Sumber Makmur', territoryId: org.territory.id }).expect(201)).body as { id: string };
    const stages = ['lead', 'qualified', 'demo', 'proposal', 'negotiation', 'won', 'lost'];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          owner: fc.integer({ min: 0, max: org.reps.length - 1 }),
          withAccount: fc.boolean(),
          amount: fc.stringMatching(/^[1-9]\d{0,9}(\.\d{1,2})?$/),
          forecastOverride: fc.constantFrom(null, 'commit', 'omitted'),
          moves: fc.array(fc.constantFrom(...stages), { minLength: 1, maxLength: 4 }),
        }),
        async ({ owner, withAccount, amount, forecastOverride, moves }) => {
          const deal = await createDeal(t.api, org.reps[owner].id, { amount, ...(withAccount ? { accountId: account.id } : {}) });
          if (forecastOverride) await t.api.patch(`/api/deals/${deal.id}`).send({ forecastOverride }).expect(200);
          let current = deal.stage;
          for (const to of moves) {
            if (to === current) continue;
            const before = await head();
            const answer = await t.api.post(`/api/deals/${deal.id}/stage`).send({ stage: to, reopen: true }).expect(200);
            const shown = (await t.api.get(`/api/deals/${deal.id}`).expect(200)).body as Deal;
            expect(answer.body).toEqual(shown);
            const [logged] = await t.db.query<{ seq: string; type: string; payload: LoggedEvent['payload'] }>(
              'SELECT seq, type, payload FROM event_log WHERE seq > $1 ORDER BY seq',
              [before],
            );
            expect(Number(logged.seq)).toBe(before + 1);
            expect(logged.type).toBe(to === 'won' ? 'deal.won' : to === 'lost' ? 'deal.lost' : 'deal.stageChanged');
            expect(logged.payload).toEqual({ deal: shown, from: current, to });
            current = to;
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('refuses as before, and a refusal writes nothing and leaves the Idempotency-Key unused', async () => {
    const rep = await signInAsRep(t, org.reps[0].id);
    const others = await createDeal(t.api, org.reps[1].id);
    const won = await createDeal(t.api, org.reps[0].id, { stage: 'won' });
    const before = await head();
    const historyBefore = await historyCount(others.id);
    const asRep = request(t.baseUrl);

    const notYours = await asRep.post(`/api/deals/${others.id}/stage`).set('Authorization', `Bearer ${rep}`).set('Idempotency-Key', 'k-refused').send({ stage: 'demo' });
    expect(notYours.status).toBe(403);
    expect(notYours.body.message).toBe(`authorization: deal ${others.id} is not yours to see or change`);
    const missing = '00000000-0000-4000-8000-000000000000';
    await asRep.post(`/api/deals/${missing}/stage`).set('Authorization', `Bearer ${rep}`).send({ stage: 'demo' }).expect(403);
    expect((await t.api.post(`/api/deals/${missing}/stage`).send({ stage: 'demo' }).expect(404)).body.message).toMatch(missing);
    const same = await t.api.post(`/api/deals/${others.id}/stage`).send({ stage: others.stage }).expect(409);
    expect(same.body.message).toBe(`stage: deal ${others.id} is already in stage ${others.stage}`);
    const reopen = await t.api.post(`/api/deals/${won.id}/stage`).set('Idempotency-Key', 'k-reopen').send({ stage: 'demo' }).expect(409);
    expect(reopen.body.message).toBe(`stage: deal ${won.id} is won; moving it to demo reopens it, send "reopen": true`);

    expect(await head()).toBe(before);
    expect(await historyCount(others.id)).toBe(historyBefore);
    expect(await t.db.query("SELECT key FROM idempotency_keys WHERE key IN ('k-refused', 'k-reopen')")).toEqual([]);

    // The same key, now for a change that is allowed: claimed, answered, and replayed without a second change.
    const first = await t.api.post(`/api/deals/${won.id}/stage`).set('Idempotency-Key', 'k-reopen').send({ stage: 'demo', reopen: true }).expect(200);
    const again = await t.api.post(`/api/deals/${won.id}/stage`).set('Idempotency-Key', 'k-reopen').send({ stage: 'demo', reopen: true }).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await head()).toBe(before + 1);
    const [actor] = await t.db.query('SELECT actor_kind, actor_id, source FROM event_log WHERE seq = $1', [before + 1]);
    expect(actor).toMatchObject({ actor_kind: 'user', source: 'api' });
  });

  it('commits concurrent changes in fewer statements than requests, each answered on its own and only once committed', async () => {
    const deals = await Promise.all(Array.from({ length: 30 }, (_, i) => createDeal(t.api, org.reps[i % 2].id, i % 5 === 0 ? { stage: 'lost' } : {})));
    const before = await head();
    const answers: request.Response[] = [];
    const sent = await statementsDuring(async () => {
      // Every fifth deal is lost: moving it without reopen is refused, in whatever batch it lands.
      answers.push(...(await Promise.all(deals.map((d) => t.api.post(`/api/deals/${d.id}/stage`).send({ stage: 'demo' })))));
    });
    const batches = sent.filter((text) => /^SELECT deal_change_stages\(/.test(text));
    expect(batches.length).toBeLessThan(deals.length);
    deals.forEach((d, i) => {
      if (i % 5 === 0) {
        expect(answers[i].status).toBe(409);
        expect(answers[i].body.message).toBe(`stage: deal ${d.id} is lost; moving it to demo reopens it, send "reopen": true`);
      } else {
        expect(answers[i].status).toBe(200);
        expect(answers[i].body).toMatchObject({ id: d.id, stage: 'demo' });
      }
    });
    // Every 2xx is in the database (it was sent after its statement committed); every refusal wrote nothing.
    const moved = deals.filter((_, i) => i % 5 !== 0);
    const rows = await t.db.query<{ id: string; stage: string }>('SELECT id, stage FROM deals WHERE id = ANY($1::uuid[])', [deals.map((d) => d.id)]);
    expect(new Map(rows.map((r) => [r.id, r.stage]))).toEqual(new Map(deals.map((d, i) => [d.id, i % 5 === 0 ? 'lost' : 'demo'])));
    expect(await head()).toBe(before + moved.length);
    const logged = await t.db.query<{ deal: string }>("SELECT payload->'deal'->>'id' AS deal FROM event_log WHERE seq > $1 ORDER BY seq", [before]);
    expect(logged.map((e) => e.deal).sort()).toEqual(moved.map((d) => d.id).sort());
  });

  it('broadcasts concurrent changes to a socket in seq order, each once, with no gap', async () => {
    const deals = await Promise.all(Array.from({ length: 24 }, (_, i) => createDeal(t.api, org.reps[i % 2].id)));
    const client = live();
    const snapshot = await client.waitForSnapshot();
    const from = await head();
    await Promise.all(deals.map((d, i) => t.api.post(`/api/deals/${d.id}/stage`).send({ stage: i % 3 === 0 ? 'won' : 'demo' }).expect(200)));
    const last = from + deals.length;
    await client.waitForEvent((e) => e.seq === last && (e.type === 'deal.won' || e.type === 'deal.stageChanged'));
    const logged = client.events.filter((e) => e.seq > Math.max(from, snapshot.seq) && ['deal.won', 'deal.stageChanged'].includes(e.type)).map((e) => e.seq);
    expect(logged).toEqual(Array.from({ length: deals.length }, (_, k) => from + k + 1));
  });
});

/** A rep's user, signed in: invited by the admin with a password, as the admin area does. */
async function signInAsRep(t: TestApp, repId: string): Promise<string> {
  const email = `rep-${repId.slice(0, 8)}@salesboard.test`;
  const password = 'a long enough password 42';
  await t.api.post('/api/users').send({ email, name: 'A rep', role: 'rep', repId, password }).expect(201);
  const login = await request(t.baseUrl).post('/api/auth/login').send({ email, password }).expect(200);
  return login.body.accessToken as string;
}
