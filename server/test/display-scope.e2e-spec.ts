/**
 * A TV reads only what its board shows: paired to a team's board it gets that team's deals and
 * figures, over REST and on the socket, and a change of the board's scope reaches it at once.
 */
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import {
  type Board,
  type ClientToServerEvents,
  type Deal,
  HIDDEN_EVENT_TYPE,
  isSequencedEvent,
  LIVE_NAMESPACE,
  type LiveEvent,
  type Rep,
  type ServerToClientEvents,
  type Snapshot,
  SOCKET_PATH,
  type Team,
} from '@salesboard/shared';
import { bootTestApp, type TestApp } from './support/app.js';
import { pairDisplay } from './support/cast.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';

describe("a TV paired to a team's board", () => {
  let t: TestApp;
  let org: Org;
  let otherTeam: Team;
  let otherRep: Rep;
  let board: Board;
  let tv: string;
  let dealA: Deal;
  let dealB: Deal;
  const asTv = (url: string) => request(t.baseUrl).get(url).set('Authorization', `Bearer ${tv}`);

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 1);
    otherTeam = (await t.api.post('/api/teams').send({ name: 'Sumatera' }).expect(201)).body as Team;
    otherRep = (await t.api.post('/api/reps').send({ name: 'Siti', email: 'siti@example.co.id', teamId: otherTeam.id }).expect(201)).body as Rep;
    dealA = await createDeal(t.api, org.reps[0].id, { name: 'Jakarta deal', amount: '1000' });
    dealB = await createDeal(t.api, otherRep.id, { name: 'Medan deal', amount: '2000' });
    board = (
      await t.api
        .post('/api/boards')
        .send({ name: 'Jakarta floor', scenes: [{ kind: 'leaderboard', seconds: 20 }], scope: { kind: 'team', id: org.team.id } })
        .expect(201)
    ).body as Board;
    tv = (await pairDisplay(t.baseUrl, t.adminToken, 'Jakarta TV', board.id)).token;
  });
  afterAll(async () => t.close());

  it("reads its team's deals and figures over REST, and none of another team's", async () => {
    const deals = (await asTv('/api/deals').expect(200)).body as Deal[];
    expect(deals.map((deal) => deal.id)).toEqual([dealA.id]);
    await asTv(`/api/deals/${dealB.id}`).expect(403);
    await asTv(`/api/deals/${dealA.id}`).expect(200);
    await asTv('/api/kpis').expect(403);
    await asTv(`/api/kpis?teamId=${otherTeam.id}`).expect(403);
    const kpis = await asTv(`/api/kpis?teamId=${org.team.id}`).expect(200);
    expect(kpis.body.kpis.openPipeline).toBe('1000.00');
    // Everyone's standing stays open, as on every screen.
    await asTv('/api/leaderboard').expect(200);
    const csv = await asTv('/api/export/deals.csv').expect(200);
    expect(csv.text).toContain('Jakarta deal');
    expect(csv.text).not.toContain('Medan deal');
    const snapshot = (await asTv('/api/snapshot').expect(200)).body as Snapshot;
    expect(snapshot.pipeline.reduce((sum, stage) => sum + stage.count, 0)).toBe(1);
  });

  it("gets another team's deals as event.hidden, and everything once its board shows the whole organisation", async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${t.baseUrl}${LIVE_NAMESPACE}`, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      auth: { token: tv },
      forceNew: true,
      reconnectionDelay: 50,
    });
    const events: LiveEvent[] = [];
    socket.on('event', (event) => events.push(event));
    socket.on('events', (batch) => events.push(...batch));
    const caughtUp = () => new Promise<void>((resolve) => socket.once('head', () => resolve()));
    const waitFor = async (match: (event: LiveEvent) => boolean) => {
      for (let i = 0; i < 200 && !events.some(match); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      const found = events.find(match);
      if (!found) throw new Error('the TV never received the event');
      return found;
    };
    try {
      await caughtUp();
      const hiddenOne = await createDeal(t.api, otherRep.id, { name: 'Medan secret', amount: '3000' });
      const shownOne = await createDeal(t.api, org.reps[0].id, { name: 'Jakarta news', amount: '4000' });
      const shown = await waitFor((event) => event.type === 'deal.created' && event.payload.deal.id === shownOne.id);
      const hidden = events.find((event) => isSequencedEvent(event) && event.seq === shown.seq - 1);
      expect(hidden?.type).toBe(HIDDEN_EVENT_TYPE);
      expect(JSON.stringify(events)).not.toContain(hiddenOne.id);

      // The board now shows the whole organisation: the TV is dropped, reconnects and reads it all.
      const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
      await t.api
        .put(`/api/boards/${board.id}`)
        .send({ name: 'Jakarta floor', scenes: [{ kind: 'leaderboard', seconds: 20 }], scope: { kind: 'all' } })
        .expect(200);
      await reconnected;
      await caughtUp();
      const nowShown = await createDeal(t.api, otherRep.id, { name: 'Medan news', amount: '5000' });
      await waitFor((event) => event.type === 'deal.created' && event.payload.deal.id === nowShown.id);
      await asTv(`/api/deals/${dealB.id}`).expect(200);
    } finally {
      socket.close();
    }
  });
});
