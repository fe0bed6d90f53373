/**
 * GET /api/deals/:id/history: each change to a deal comes back with who made it — the admin who
 * created it, the rep who moved it, the manager who changed its amount, the CRM whose webhook
 * won it — and the activities logged against it; readable exactly where the deal is.
 */
import { randomUUID } from 'node:crypto';
import type { Deal, DealHistoryEntry } from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { type Cast, castOfRoles } from './support/cast.js';
import { createDeal } from './support/fixtures.js';

const PIPEDRIVE = { user: 'pipedrive-hook', password: 'pipedrive-hook-password' };

describe('deal history', () => {
  let t: TestApp;
  let cast: Cast;
  let deal: Deal;
  let adminName: string;

  /** A Pipedrive webhooks v2 delivery for deal 901, signed with HTTP Basic as Pipedrive sends it. */
  const pipedrive = (action: string, data: object | null, previous: object | null) =>
    t.api
      .post('/api/webhooks/pipedrive')
      .set('Authorization', `Basic ${Buffer.from(`${PIPEDRIVE.user}:${PIPEDRIVE.password}`).toString('base64')}`)
      .send({
        meta: { action, entity: 'deal', entity_id: '901', id: randomUUID(), timestamp: new Date().toISOString(), version: '2.0', change_source: 'app' },
        data,
        previous,
      })
      .expect(200);

  const history = async (who: Parameters<Cast['as']>[0] = 'admin', id = deal.id) =>
    (await cast.as(who).get(`/api/deals/${id}/history`).expect(200)).body as DealHistoryEntry[];

  beforeAll(async () => {
    t = await bootTestApp({ PIPEDRIVE_WEBHOOK_USER: PIPEDRIVE.user, PIPEDRIVE_WEBHOOK_PASSWORD: PIPEDRIVE.password });
    cast = await castOfRoles(t);
    adminName = (await t.api.get('/api/auth/me').expect(200)).body.name as string;
    const ayu = cast.orgA.reps[0];
    deal = await createDeal(t.api, ayu.id, { source: 'pipedrive', externalId: '901', amount: '150000000' });
    await cast.as('rep').post(`/api/deals/${deal.id}/stage`).send({ stage: 'qualified' }).expect(200);
    await cast.as('manager').patch(`/api/deals/${deal.id}`).send({ amount: '175000000' }).expect(200);
    await cast.as('rep').post('/api/activities').send({ type: 'call', repId: ayu.id, dealId: deal.id, note: 'Budget confirmed' }).expect(201);
    await pipedrive(
      'change',
      { id: 901, title: deal.name, value: 200000000, currency: deal.currency, status: 'won', stage_id: 2, won_time: new Date().toISOString() },
      { status: 'open', value: 175000000 },
    );
  });
  afterAll(async () => t.close());

  it('lists every change oldest first, each with who made it and what it was before', async () => {
    const entries = await history();
    expect(entries.map(({ kind, actor }) => [kind, actor.kind, actor.name])).toEqual([
      ['created', 'user', adminName],
      ['stageChanged', 'user', 'Ayu'],
      ['updated', 'user', 'Hendra'],
      ['activity', 'user', 'Ayu'],
      ['updated', 'system', 'Pipedrive'],
      ['won', 'system', 'Pipedrive'],
    ]);
    const [created, moved, edited, call, synced, won] = entries;
    expect(created).toMatchObject({ stage: 'lead', amount: '150000000.00', ownerName: 'Rep 1', currency: deal.currency });
    expect(moved).toMatchObject({ from: 'lead', to: 'qualified' });
    expect(edited).toMatchObject({ changes: [{ field: 'amount', from: '150000000.00', to: '175000000.00' }] });
    expect(call).toMatchObject({ activity: { type: 'call', note: 'Budget confirmed', repName: 'Rep 1' } });
    expect(synced).toMatchObject({ actor: { id: 'pipedrive' }, changes: [{ field: 'amount', from: '175000000.00', to: '200000000.00' }] });
    expect(won).toMatchObject({ from: 'qualified', to: 'won', amount: '200000000.00' });
    // The log's order: seqs rise, and times never go back.
    const seqs = entries.map((e) => e.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(entries.map((e) => e.at)).toEqual(entries.map((e) => e.at).sort());
  });

  it('is readable by whoever may read the deal: its rep and their manager', async () => {
    expect(await history('rep')).toEqual(await history('admin'));
    expect(await history('manager')).toHaveLength(6);
  });

  it('answers a rep of another team 403 for the deal and for an id that does not exist alike; the admin gets 404 for the latter', async () => {
    const theirs = await cast.as('otherRep').get(`/api/deals/${deal.id}/history`).expect(403);
    const unknown = await cast.as('otherRep').get(`/api/deals/${randomUUID()}/history`).expect(403);
    expect(unknown.body.message.replace(/[0-9a-f-]{36}/, 'ID')).toBe(theirs.body.message.replace(/[0-9a-f-]{36}/, 'ID'));
    await cast.as('admin').get(`/api/deals/${randomUUID()}/history`).expect(404);
    await cast.as('rep').get('/api/deals/not-a-uuid/history').expect(400);
  });

  it('keeps the history of a deal deleted in its CRM, ending with the deletion, for those who could read it', async () => {
    await pipedrive('delete', null, { id: 901 });
    await cast.as('admin').get(`/api/deals/${deal.id}`).expect(404);
    const entries = await history('rep');
    expect(entries.at(-1)).toMatchObject({ kind: 'deleted', actor: { kind: 'system', name: 'Pipedrive' } });
    await cast.as('otherRep').get(`/api/deals/${deal.id}/history`).expect(403);
  });
});
