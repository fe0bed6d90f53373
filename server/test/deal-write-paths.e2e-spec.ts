/**
 * One write path for deals (issue #14 item 1): the same logical change -- a deal created in
 * `demo`, then won -- made through REST, a signed HubSpot delivery, a CSV import and the
 * simulator's commands leaves the same deal row, the same stage history and the same events;
 * and a rep moved by the reps CSV import keeps their closed deals where PATCH /api/reps keeps them.
 */
import type { Deal, Team } from '@salesboard/shared';
import { DealCommands } from '../src/deals/deal-commands.service.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';
import { postHubSpot } from './support/hubspot.js';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-write-paths';
const NAME = 'PT Sentosa ERP rollout';
const AMOUNT = '325000000.00';

interface DealRow {
  id: string;
  name: string;
  owner_id: string;
  amount: string;
  currency: string;
  stage: string;
  account_id: string | null;
  product_id: string | null;
  forecast_override: string | null;
  closed: boolean;
  entered_at_close: boolean;
}

interface LoggedEvent {
  type: string;
  payload: { deal: Record<string, unknown>; from?: string; to?: string };
}

describe('one write path for deals', () => {
  let t: IngestTestApp;
  let org: Org;
  let eventId = 1;

  const dealRow = async (id: string) =>
    (
      await t.db.query<DealRow>(
        `SELECT id, name, owner_id, amount::text AS amount, trim(currency) AS currency, stage, account_id, product_id, forecast_override,
                closed_at IS NOT NULL AS closed, stage_entered_at = closed_at AS entered_at_close
           FROM deals WHERE id = $1`,
        [id],
      )
    )[0];
  const history = (id: string) =>
    t.db.query<{ from_stage: string | null; to_stage: string; amount: string; rep_id: string }>(
      'SELECT from_stage, to_stage, amount::text AS amount, rep_id FROM stage_history WHERE deal_id = $1 ORDER BY id',
      [id],
    );
  const events = (id: string) => t.db.query<LoggedEvent>(`SELECT type, payload FROM event_log WHERE payload->'deal'->>'id' = $1 ORDER BY seq`, [id]);
  const idOf = async (source: string, externalId: string) =>
    (await t.db.query<{ id: string }>('SELECT id FROM deals WHERE source = $1 AND external_id = $2', [source, externalId]))[0].id;

  /** What a deal looks like whichever way it came: everything but its id and where it came from. */
  const comparable = async (id: string) => {
    const { id: _id, ...row } = await dealRow(id);
    return row;
  };
  /** The creation and the win, as a screen sees them: their types and the shape of their payloads. */
  const shapes = async (id: string) =>
    (await events(id))
      .filter((e) => e.type !== 'deal.updated')
      .map((e) => ({
        type: e.type,
        keys: Object.keys(e.payload).sort(),
        dealKeys: Object.keys(e.payload.deal).sort(),
        from: e.payload.from,
        to: e.payload.to,
      }));

  const hubspot = (events: object[]) => {
    const body = JSON.stringify(events);
    return postHubSpot(t, HUBSPOT_SECRET, body);
  };
  const change = (objectId: number, propertyName: string, propertyValue: string, occurredAt: number) => ({
    eventId: eventId++,
    subscriptionId: 1,
    portalId: 62515,
    appId: 1,
    occurredAt,
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId,
    propertyName,
    propertyValue,
    changeFlag: 'UPDATED',
  });
  const importCsv = (path: string, csv: string) => t.api.post(path).attach('file', Buffer.from(csv), 'file.csv').expect(201);

  beforeAll(async () => {
    t = await bootIngestApp({ HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET });
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  it('writes the same deal row, stage history and events through REST, a HubSpot webhook, a CSV import and the simulator', async () => {
    const owner = org.reps[0];

    const rest = await createDeal(t.api, owner.id, { name: NAME, amount: AMOUNT, stage: 'demo' });
    await t.api.post(`/api/deals/${rest.id}/stage`).send({ stage: 'won' }).expect(200);

    // HubSpot creates a deal from the first change it hears of: the stage comes first here.
    const now = Date.now();
    await hubspot([change(8101, 'dealstage', 'presentationscheduled', now - 3000)]).expect(200);
    await hubspot([change(8101, 'dealname', NAME, now - 2000), change(8101, 'amount', '325000000', now - 2000)]).expect(200);
    await hubspot([change(8101, 'dealstage', 'closedwon', now - 1000)]).expect(200);
    const webhook = await idOf('hubspot', '8101');

    await importCsv('/api/import/deals', `Record ID,Deal Name,Deal Stage,Amount,Deal owner\r\nw-1,${NAME},Demo,325000000,${owner.email}\r\n`);
    await importCsv(
      '/api/import/deals',
      `Record ID,Deal Name,Deal Stage,Amount,Deal owner,Close Date\r\nw-1,${NAME},Won,325000000,${owner.email},2026-01-15\r\n`,
    );
    const imported = await idOf('csv', 'w-1');

    // What the simulator does on a step: open a deal, later move it on (SimulatorService.openDeal/moveDeal).
    const commands = t.app.get(DealCommands);
    const simulated = await commands.create({ name: NAME, ownerId: owner.id, amount: AMOUNT, stage: 'demo' }, { source: 'simulator' });
    await commands.changeStage(simulated.id, { stage: 'won' }, { source: 'simulator' });

    const expected = {
      name: NAME,
      owner_id: owner.id,
      amount: AMOUNT,
      currency: 'IDR',
      stage: 'won',
      account_id: null,
      product_id: null,
      forecast_override: null,
      closed: true,
      entered_at_close: true,
    };
    for (const id of [rest.id, webhook, imported, simulated.id]) expect(await comparable(id)).toEqual(expected);

    const moves = [
      { from_stage: null, to_stage: 'demo', amount: AMOUNT, rep_id: owner.id },
      { from_stage: 'demo', to_stage: 'won', amount: AMOUNT, rep_id: owner.id },
    ];
    for (const id of [rest.id, imported, simulated.id]) expect(await history(id)).toEqual(moves);
    // HubSpot heard of the amount after the deal existed: its creation row has the amount of then.
    expect(await history(webhook)).toEqual([{ ...moves[0], amount: '0.00' }, moves[1]]);

    const restEvents = await shapes(rest.id);
    expect(restEvents.map((e) => [e.type, e.from, e.to])).toEqual([
      ['deal.created', undefined, undefined],
      ['deal.won', 'demo', 'won'],
    ]);
    expect(await shapes(webhook)).toEqual(restEvents);
    expect(await shapes(simulated.id)).toEqual(restEvents);
    // An import tells screens once per file, not once per row (100,000 rows must not flood the log).
    expect(await events(imported)).toEqual([]);
    const summaries = await t.db.query<{ type: string }>(`SELECT type FROM event_log WHERE type = 'deals.imported'`);
    expect(summaries).toHaveLength(2);
  });

  it('keeps the closed deals of a rep moved by the reps CSV import where PATCH /api/reps keeps them', async () => {
    const teamB = (await t.api.post('/api/teams').send({ name: 'Sumatera Utara', managerName: 'Rina' }).expect(201)).body as Team;
    const [byAdmin, byImport] = [org.reps[0], org.reps[1]];
    const dealsOf = async (repId: string) => {
      const won = await createDeal(t.api, repId, { name: `won by ${repId}`, amount: '1000000' });
      await t.api.post(`/api/deals/${won.id}/stage`).send({ stage: 'won' }).expect(200);
      const open = await createDeal(t.api, repId, { name: `open of ${repId}`, amount: '2000000' });
      return { won: won.id, open: open.id };
    };
    const admin = await dealsOf(byAdmin.id);
    const imported = await dealsOf(byImport.id);

    await t.api.patch(`/api/reps/${byAdmin.id}`).send({ teamId: teamB.id }).expect(200);
    const job = await importCsv('/api/import/reps', `Name,Email,Team\r\n${byImport.name},${byImport.email},${teamB.name}\r\n`);
    expect(job.body).toMatchObject({ status: 'completed', updated: 1, rejected: 0 });

    const pinning = (id: string) =>
      t.db.query<{ pinned_team_id: string | null; pinned_territory_id: string | null; pinned_to_owner: boolean | null; pinned: boolean }>(
        `SELECT pinned_team_id, pinned_territory_id, pinned_owner_id = owner_id AS pinned_to_owner, pinned_at IS NOT NULL AS pinned FROM deals WHERE id = $1`,
        [id],
      );
    expect(await pinning(admin.won)).toEqual([{ pinned_team_id: org.team.id, pinned_territory_id: org.territory.id, pinned_to_owner: true, pinned: true }]);
    expect(await pinning(imported.won)).toEqual(await pinning(admin.won));
    expect(await pinning(imported.open)).toEqual(await pinning(admin.open));

    const teamOf = async (id: string) => ((await t.api.get(`/api/deals/${id}`).expect(200)).body as Deal).teamId;
    expect([await teamOf(imported.won), await teamOf(imported.open)]).toEqual([org.team.id, teamB.id]);
    expect([await teamOf(admin.won), await teamOf(admin.open)]).toEqual([org.team.id, teamB.id]);
  });
});
