/** `kpi.updated` and `leaderboard.updated` on the socket: only to the scopes that changed, coalesced, with only what changed. */
import { isLeaderboardDelta, type LeaderboardResponse, leaderboardKey, type LiveEvent, type Rep, type Team, WALLBOARD_BOARD_KEY } from '@salesboard/shared';
import fc from 'fast-check';
import { EventStreamService } from '../src/live/event-stream.service.js';
import { SnapshotService } from '../src/snapshot/snapshot.service.js';
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive, type RecordingClient } from './support/live-client.js';

type Derived<T extends 'kpi.updated' | 'leaderboard.updated'> = Extract<LiveEvent, { type: T }>;

describe('live KPI and leaderboard updates', () => {
  let t: TestApp;
  let org: Org;
  let teamB: Team;
  let repB: Rep;
  const clients: RecordingClient[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const kpiUpdates = (client: RecordingClient, scope?: string) =>
    client.events.filter((e): e is Derived<'kpi.updated'> => e.type === 'kpi.updated' && (scope === undefined || e.payload.scope === scope));
  const boardUpdates = (client: RecordingClient) => client.events.filter((e): e is Derived<'leaderboard.updated'> => e.type === 'leaderboard.updated');

  const subscribed = async (scope: Record<string, string | string[]>) => {
    const client = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(client);
    await client.waitForSnapshot();
    expect(await client.socket.timeout(5000).emitWithAck('subscribe', scope)).toEqual({ ok: true });
    return client;
  };

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.keyApi, 2);
    teamB = (await t.keyApi.post('/api/teams').send({ name: 'Surabaya' }).expect(201)).body as Team;
    repB = (await t.keyApi.post('/api/reps').send({ name: 'Rep B', email: 'repb@example.co.id', teamId: teamB.id }).expect(201)).body as Rep;
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => t.close());

  it('sends a win to the team that won it and to the organisation, not to another team', async () => {
    // Each shows its team's revenue board of the month, as a team's dashboard does.
    const teamA = await subscribed({ teamId: org.team.id, boards: [`revenue|month|team:${org.team.id}`] });
    const other = await subscribed({ teamId: teamB.id, boards: [`revenue|month|team:${teamB.id}`] });
    const wallboard = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(wallboard);
    await wallboard.waitForSnapshot();
    const deal = await createDeal(t.keyApi, org.reps[0].id, { amount: '125000000', stage: 'negotiation' });
    await sleep(400);
    // The team's screen loads its board after subscribing, as the dashboard does, and applies what comes.
    const teamKey = leaderboardKey('revenue', 'month', `team:${org.team.id}`);
    const teamBoardUrl = `/api/leaderboard?metric=revenue&period=month&teamId=${org.team.id}`;
    teamA.boards.hold(teamKey, (await t.keyApi.get(teamBoardUrl).expect(200)).body as LeaderboardResponse);
    const before = { teamA: teamA.events.length, other: other.events.length, wallboard: wallboard.events.length };

    await t.keyApi.post(`/api/deals/${deal.id}/stage`).send({ stage: 'won' }).expect(200);

    const update = (await teamA.waitForEvent(
      (e) => e.type === 'kpi.updated' && e.payload.period === 'month' && 'revenue' in e.payload.changed,
    )) as Derived<'kpi.updated'>;
    expect(update.payload.scope).toBe(`team:${org.team.id}`);
    expect(update.payload.changed).toMatchObject({ revenue: '125000000.00', won: 1 });
    expect(update.payload.changed).not.toHaveProperty('quota'); // unchanged, so not sent
    const teamBoard = (await teamA.waitForEvent(
      (e) => e.type === 'leaderboard.updated' && e.payload.scope === `team:${org.team.id}`,
    )) as Derived<'leaderboard.updated'>;
    // Only the winner's row moved: the teammate with nothing yet this month stays unranked, unsent.
    expect(teamBoard.payload).toMatchObject({
      metric: 'revenue',
      period: 'month',
      changed: [{ rank: 1, id: org.reps[0].id, value: '125000000.00' }],
      removed: [],
    });
    expect(teamA.boards.get(teamKey)?.rows).toMatchObject([
      { rank: 1, id: org.reps[0].id, value: '125000000.00' },
      { rank: null, id: org.reps[1].id, value: '0.00', movement: null },
    ]);
    // What the screen holds with the push applied is what REST answers for the same board.
    const rest = (await t.keyApi.get(teamBoardUrl).expect(200)).body as LeaderboardResponse;
    expect(teamA.boards.get(teamKey)).toEqual({ seq: teamBoard.seq, rows: rest.rows });
    await wallboard.waitFor(() => wallboard.boards.get(WALLBOARD_BOARD_KEY)?.rows[0]?.value === '125000000.00', 5000, 'the win on the wallboard');
    const orgBoard = boardUpdates(wallboard).at(-1)!;
    expect(orgBoard.payload).toMatchObject({ metric: 'revenue', period: 'month', scope: 'all' });
    expect(orgBoard.seq).toBe(update.seq);
    expect([...teamA.boards.mismatched, ...wallboard.boards.mismatched]).toEqual([]);

    await sleep(600);
    expect(kpiUpdates(other).length).toBe(0);
    expect(other.events.slice(before.other).some((e) => e.type === 'leaderboard.updated' && e.payload.scope === `team:${teamB.id}`)).toBe(false);
    // The wallboard subscribed to nothing: the organisation's boards, but no KPIs.
    expect(kpiUpdates(wallboard).length).toBe(0);
    // Only boards some screen shows: here the wallboard's own (revenue of the month), which every
    // caught-up socket gets; the win moved won and win-rate boards too, which nobody shows.
    const afterWin = boardUpdates(wallboard).filter((e) => e.seq >= update.seq);
    expect(afterWin.map((e) => `${e.payload.metric}|${e.payload.period}|${e.payload.scope}`)).toEqual(['revenue|month|all']);
    expect(
      boardUpdates(teamA)
        .filter((e) => e.seq >= update.seq && e.payload.scope !== 'all')
        .map((e) => `${e.payload.metric}|${e.payload.period}`),
    ).toEqual(['revenue|month']);
    expect(before.teamA).toBeLessThan(teamA.events.length);
  });

  it('coalesces a burst to at most 4 updates a second per scope, each carrying only the fields that changed', async () => {
    const rep = await subscribed({ repId: org.reps[1].id });
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, () => t.keyApi.post('/api/activities').send({ type: 'call', repId: org.reps[1].id }).expect(201)));
    await rep.waitForEvent(
      (e) => e.type === 'kpi.updated' && e.payload.period === 'today' && (e.payload.changed.activities as { call: number } | undefined)?.call === 30,
    );
    const elapsed = Date.now() - started;
    // Updates of the KPIs themselves; the funnel and stuck deals follow in updates of their own (`parts`).
    const today = kpiUpdates(rep, `rep:${org.reps[1].id}`).filter((e) => e.payload.period === 'today' && Object.keys(e.payload.changed).length > 0);
    expect(today.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1);
    for (const update of today) expect(Object.keys(update.payload.changed)).toEqual(['activities']);
  });

  it('lets a socket change its scope, and sends the organisation its KPIs when it subscribes to {}', async () => {
    const client = await subscribed({ teamId: teamB.id });
    expect(await client.socket.timeout(5000).emitWithAck('subscribe', {})).toEqual({ ok: true });
    const deal = await createDeal(t.keyApi, repB.id, { amount: '5000000', stage: 'won' });
    const update = (await client.waitForEvent((e) => e.type === 'kpi.updated' && e.payload.period === 'month')) as Derived<'kpi.updated'>;
    expect(update.payload.scope).toBe('all');
    expect(deal.stage).toBe('won');
    await sleep(400);
    expect(kpiUpdates(client, `team:${teamB.id}`)).toHaveLength(0);
  });

  it('pushes the boards a socket shows, of the organisation or of its own scope, and no board of a team it did not subscribe to', async () => {
    const shows = ['won|quarter|all', 'revenue|year|teams', `revenue|month|team:${teamB.id}`];
    const client = await subscribed({ repId: org.reps[1].id, boards: shows });
    await createDeal(t.keyApi, repB.id, { amount: '7000000', stage: 'won' });
    const wonBoard = (await client.waitForEvent((e) => e.type === 'leaderboard.updated' && e.payload.metric === 'won')) as Derived<'leaderboard.updated'>;
    expect(wonBoard.payload).toMatchObject({ period: 'quarter', scope: 'all' });
    // Nobody showed that board before: its first push is whole.
    expect(isLeaderboardDelta(wonBoard.payload)).toBe(false);
    expect('rows' in wonBoard.payload && wonBoard.payload.rows.find((row) => row.id === repB.id)?.value).toBeGreaterThanOrEqual(1);
    await client.waitForEvent((e) => e.type === 'leaderboard.updated' && e.payload.scope === 'teams' && e.payload.period === 'year');
    await sleep(400);
    // team B's board: asked for, but the socket follows a rep of team A, so it is not joined.
    const keys = new Set(boardUpdates(client).map((e) => `${e.payload.metric}|${e.payload.period}|${e.payload.scope}`));
    expect([...keys].sort()).toEqual(['revenue|month|all', 'revenue|year|teams', 'won|quarter|all']);
  });

  it('sends the KPIs of the live periods a socket shows, and all five to one that names none', async () => {
    const monthOnly = await subscribed({ teamId: teamB.id, periods: ['month'] });
    const everyPeriod = await subscribed({ teamId: teamB.id });
    await createDeal(t.keyApi, repB.id, { amount: '3000000', stage: 'won' });
    await everyPeriod.waitForEvent((e) => e.type === 'kpi.updated' && e.payload.period === 'year' && 'revenue' in e.payload.changed);
    await monthOnly.waitForEvent((e) => e.type === 'kpi.updated' && e.payload.period === 'month' && 'revenue' in e.payload.changed);
    await sleep(300);
    // Both sit in the team's room, which gets every period either socket shows: the union.
    expect(new Set(kpiUpdates(monthOnly).map((e) => e.payload.period))).toEqual(new Set(['month', 'today', 'week', 'quarter', 'year']));
    everyPeriod.close();
    await sleep(100);
    const before = kpiUpdates(monthOnly).length;
    await createDeal(t.keyApi, repB.id, { amount: '4000000', stage: 'won' });
    for (const started = Date.now(); kpiUpdates(monthOnly).length === before && Date.now() - started < 5000;) await sleep(20);
    await sleep(400);
    expect(kpiUpdates(monthOnly).length).toBeGreaterThan(before);
    // Alone now: only its month is computed and sent.
    expect(
      new Set(
        kpiUpdates(monthOnly)
          .slice(before)
          .map((e) => e.payload.period),
      ),
    ).toEqual(new Set(['month']));
  });

  it('refuses a board key it cannot read, naming the field', async () => {
    const client = connectLive(t.baseUrl, { token: t.apiKey });
    clients.push(client);
    await client.waitForSnapshot();
    for (const boards of [['revenue|fortnight|all'], ['profit|month|all'], [`revenue|month|rep:${repB.id}`], ['revenue|month']]) {
      const answer = (await client.socket.timeout(5000).emitWithAck('subscribe', { boards })) as { ok: boolean; error?: string };
      expect(answer.ok).toBe(false);
      expect(answer.error).toMatch(/boards\.0/);
    }
  });

  describe('the wallboard board as deltas', () => {
    const wallboardUrl = '/api/leaderboard?metric=revenue&period=month';
    const fresh = async () => (await t.keyApi.get(wallboardUrl).expect(200)).body as LeaderboardResponse;
    const newRep = async (name: string, teamId: string) =>
      (
        await t.keyApi
          .post('/api/reps')
          .send({ name, email: `${name.toLowerCase().replace(/\W/g, '.')}.${Date.now()}@example.co.id`, teamId })
          .expect(201)
      ).body as Rep;
    /** A wallboard that loaded its board over REST once the server had sent everything, as a screen does. */
    const wallboardHolding = async () => {
      await sleep(400);
      const wallboard = connectLive(t.baseUrl, { token: t.apiKey });
      clients.push(wallboard);
      await wallboard.waitForSnapshot();
      wallboard.boards.hold(WALLBOARD_BOARD_KEY, await fresh());
      return wallboard;
    };
    /** Until what the wallboard holds, every push applied, is what a fresh GET answers. */
    const heldMatchesFresh = async (wallboard: RecordingClient, what: string) => {
      let rest = await fresh();
      for (const started = Date.now(); JSON.stringify(wallboard.boards.get(WALLBOARD_BOARD_KEY)?.rows) !== JSON.stringify(rest.rows); rest = await fresh()) {
        if (Date.now() - started > 5000) throw new Error(`after ${what}: the wallboard holds a board other than GET /api/leaderboard's`);
        await sleep(50);
      }
      expect(wallboard.boards.get(WALLBOARD_BOARD_KEY)?.rows).toEqual(rest.rows);
    };
    const wallboardPushes = (wallboard: RecordingClient) =>
      boardUpdates(wallboard).filter((e) => leaderboardKey(e.payload.metric, e.payload.period, e.payload.scope) === WALLBOARD_BOARD_KEY);

    it('sends a won deal as the rows it moved only, which over the first GET give what a fresh GET answers', async () => {
      const team = (await t.keyApi.post('/api/teams').send({ name: 'Medan' }).expect(201)).body as Team;
      const reps: Rep[] = [];
      for (const [index, amount] of ['940000000', '930000000', '920000000', '910000000'].entries()) {
        const rep = await newRep(`Medan ${index}`, team.id);
        reps.push(rep);
        await createDeal(t.keyApi, rep.id, { amount, stage: 'won' });
      }
      const wallboard = await wallboardHolding();
      const first = wallboard.boards.get(WALLBOARD_BOARD_KEY)!;

      // The last of the four passes the third: their two rows change, no other.
      await createDeal(t.keyApi, reps[3].id, { amount: '15000000', stage: 'won' });
      await heldMatchesFresh(wallboard, 'the win');
      const pushes = wallboardPushes(wallboard).filter((e) => e.seq > first.seq);
      expect(pushes).toHaveLength(1);
      const [push] = pushes;
      expect(isLeaderboardDelta(push.payload)).toBe(true);
      expect(push.payload).toMatchObject({ removed: [] });
      expect('changed' in push.payload && push.payload.changed.map((row) => row.id)).toEqual([reps[3].id, reps[2].id]);
      expect('changed' in push.payload && push.payload.changed.map((row) => row.value)).toEqual(['925000000.00', '920000000.00']);
      expect(wallboard.boards.mismatched).toEqual([]);
    });

    it('greets a socket caught up by replay with the rows last pushed when it joins, even when a push came while it was catching up', async () => {
      const team = (await t.keyApi.post('/api/teams').send({ name: 'Palembang' }).expect(201)).body as Team;
      const rep = await newRep('Palembang 0', team.id);
      const watcher = await wallboardHolding();
      const before = await fresh();
      // The catch-up's read of the log waits until a win has been pushed to the sockets already there.
      const stream = t.app.get(EventStreamService);
      const eventsSince = stream.eventsSince.bind(stream);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let waiting = false;
      stream.eventsSince = async (since) => {
        waiting = true;
        await gate;
        return eventsSince(since);
      };
      try {
        const returning = connectLive(t.baseUrl, { token: t.apiKey, since: before.seq });
        clients.push(returning);
        returning.boards.hold(WALLBOARD_BOARD_KEY, before);
        for (const started = Date.now(); !waiting; await sleep(10)) if (Date.now() - started > 5000) throw new Error('the catch-up never read the log');
        const deal = await createDeal(t.keyApi, rep.id, { amount: '990000000', stage: 'won' });
        await watcher.waitForEvent((e) => e.type === 'leaderboard.updated' && e.seq >= before.seq + 1);
        release();
        await returning.waitForEvent((e) => e.type === 'deal.created' && e.payload.deal.id === deal.id);
        // Nothing else changes: only the greeting can bring the win's rows.
        await heldMatchesFresh(returning, 'a push during the catch-up');
        expect(returning.boards.get(WALLBOARD_BOARD_KEY)?.rows[0]).toMatchObject({ id: rep.id });
      } finally {
        release();
        stream.eventsSince = eventsSince;
      }
    });

    it('gives a socket caught up by snapshot the rows last pushed when it joins, with their seq, even when a push came while the snapshot was read', async () => {
      const team = (await t.keyApi.post('/api/teams').send({ name: 'Pontianak' }).expect(201)).body as Team;
      const rep = await newRep('Pontianak 0', team.id);
      const watcher = await wallboardHolding();
      // The snapshot is read, then held until a win has been pushed to the sockets already there:
      // its own seq and rows are then behind the board its room was last sent.
      const snapshots = t.app.get(SnapshotService);
      const build = snapshots.build.bind(snapshots);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let built: number | null = null;
      snapshots.build = async (...args) => {
        const snapshot = await build(...args);
        built = snapshot.seq;
        await gate;
        return snapshot;
      };
      try {
        const arriving = connectLive(t.baseUrl, { token: t.apiKey });
        clients.push(arriving);
        for (const started = Date.now(); built === null; await sleep(10)) if (Date.now() - started > 5000) throw new Error('the snapshot was never read');
        const deal = await createDeal(t.keyApi, rep.id, { amount: '995000000', stage: 'won' });
        const push = await watcher.waitForEvent((e) => e.type === 'leaderboard.updated' && e.seq > built!);
        release();
        const snapshot = await arriving.waitForSnapshot();
        expect(snapshot.seq).toBe(built);
        // The board is the one pushed, at the push's seq, not the snapshot's older rows.
        expect(snapshot.leaderboardSeq).toBe(push.seq);
        expect(snapshot.leaderboard[0]).toMatchObject({ id: rep.id });
        // The win itself still reaches the socket, replayed after the snapshot.
        await arriving.waitForEvent((e) => e.type === 'deal.created' && e.payload.deal.id === deal.id);
        await heldMatchesFresh(arriving, 'a push during the snapshot');
        expect(arriving.boards.mismatched).toEqual([]);
      } finally {
        release();
        snapshots.build = build;
      }
    });

    it('keeps a screen that applies every delta to its first GET equal to a fresh GET through random changes', async () => {
      const seed = Date.now() % 1_000_000;
      const team = (await t.keyApi.post('/api/teams').send({ name: 'Makassar' }).expect(201)).body as Team;
      const reps: Rep[] = [];
      for (let i = 0; i < 4; i++) reps.push(await newRep(`Makassar ${i}`, team.id));
      const won: string[] = [];
      const wallboard = await wallboardHolding();
      // Few amounts and names, so values and names tie; reps come (a new one) and go (deactivated).
      const change = fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant('win' as const), rep: fc.nat(), amount: fc.constantFrom('1000000', '2000000', '3000000') }), weight: 5 },
        { arbitrary: fc.record({ kind: fc.constant('amount' as const), deal: fc.nat(), amount: fc.constantFrom('500000', '2000000', '4000000') }), weight: 2 },
        { arbitrary: fc.record({ kind: fc.constant('rename' as const), rep: fc.nat(), name: fc.constantFrom('Makassar A', 'Makassar B') }), weight: 2 },
        { arbitrary: fc.record({ kind: fc.constant('join' as const) }), weight: 1 },
        { arbitrary: fc.record({ kind: fc.constant('leave' as const), rep: fc.nat() }), weight: 1 },
      );
      const [changes] = fc.sample(fc.array(change, { minLength: 12, maxLength: 12 }), { numRuns: 1, seed });
      for (const [step, next] of changes.entries()) {
        const what = `change ${step} (${JSON.stringify(next)}, seed ${seed})`;
        if (next.kind === 'win') won.push((await createDeal(t.keyApi, reps[next.rep % reps.length].id, { amount: next.amount, stage: 'won' })).id);
        if (next.kind === 'amount' && won.length > 0)
          await t.keyApi
            .patch(`/api/deals/${won[next.deal % won.length]}`)
            .send({ amount: next.amount })
            .expect(200);
        if (next.kind === 'rename')
          await t.api
            .patch(`/api/reps/${reps[next.rep % reps.length].id}`)
            .send({ name: next.name })
            .expect(200);
        if (next.kind === 'join') reps.push(await newRep(`Makassar ${reps.length}`, team.id));
        if (next.kind === 'leave' && reps.length > 1) {
          const [leaving] = reps.splice(next.rep % reps.length, 1);
          await t.api.patch(`/api/reps/${leaving.id}`).send({ active: false }).expect(200);
        }
        await heldMatchesFresh(wallboard, what);
      }
      const pushes = wallboardPushes(wallboard);
      expect(pushes.some((e) => isLeaderboardDelta(e.payload))).toBe(true);
      // Every delta applied to the rows the screen held: none needed a reload.
      expect(wallboard.boards.mismatched).toEqual([]);
    }, 60_000);
  });
});
