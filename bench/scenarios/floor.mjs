/**
 * floor: a sales floor of screens that behave as the real client does (bench/lib/screen-model.mjs):
 * half TV wallboards (display credentials, one paired TV each; the organisation's board and
 * each team's board in turn), half manager dashboards (one manager per team, on their team).
 * While deals move at the simulator's rate, measures over a window per size: the server's CPU
 * per logged event and the REST calls the screens make per screen-minute. Today the client
 * refetches on pushed events, so both grow with the screens; "figures are pushed, not pulled"
 * should bring REST to 0 and CPU per event nearly flat.
 */
import { randomBytes } from 'node:crypto';
import { nowMs, sleep } from '../lib/clock.mjs';
import { cpuSeconds } from '../lib/cpu.mjs';
import { httpClient } from '../lib/http.mjs';
import { round } from '../lib/stats.mjs';

/** Below this share of the screens' calls answered, a size's figures do not count towards the growth target. */
const MIN_SERVED_SHARE = 0.5;

/** The board a TV plays: the scenes do not change what it fetches, only what it shows. */
const SCENES = [{ kind: 'leaderboard', seconds: 20 }];

function expect(res, what, ...ok) {
  if (!ok.includes(res.status)) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
  return res.json;
}

/** Runs `task` over `items`, `parallel` at a time. */
async function inBatches(items, parallel, task) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * TVs as they pair themselves (RFC 8628): each asks for a code, a manager approves it, the TV
 * collects its credential. Approvals go 8 at a time: the server allows one approver 10 guesses
 * in flight a minute (a good guess is given back once it lands).
 */
async function pairTvs(server, boards) {
  const anonymous = httpClient(server.baseUrl, { maxSockets: 16 });
  try {
    const starts = await inBatches(boards, 16, async () => expect(await anonymous.post('/api/pairing'), 'POST /api/pairing', 200, 201));
    await inBatches(starts, 8, async (start, i) =>
      expect(
        await server.http.post('/api/pairing/approve', { userCode: start.userCode, name: `Floor TV ${i}`, boardId: boards[i].id }),
        'POST /api/pairing/approve',
        200,
        201,
      ),
    );
    return await inBatches(starts, 16, async (start, i) => {
      const answer = expect(await anonymous.post('/api/pairing/token', { deviceCode: start.deviceCode }), 'POST /api/pairing/token', 200);
      if (answer.status !== 'approved') throw new Error(`pairing a TV: ${answer.status}`);
      return { token: answer.displayToken, board: boards[i] };
    });
  } finally {
    anonymous.close();
  }
}

/** Boards, managers and paired TVs for the largest floor; reused by every size. */
async function prepare(ctx, tvCount) {
  const { server } = ctx;
  const teams = expect(await server.http.get('/api/teams'), 'GET /api/teams', 200);
  const stages = expect(await server.http.get('/api/stages'), 'GET /api/stages', 200);
  const wonStages = stages.filter((s) => s.kind === 'won').map((s) => s.key);
  const boards = [];
  for (const scope of [{ kind: 'all' }, ...teams.map((team) => ({ kind: 'team', id: team.id }))]) {
    const board = expect(
      await server.http.post('/api/boards', { name: `Floor ${scope.id ?? 'all'}`, scenes: SCENES, scope, sound: false }),
      'POST /api/boards',
      200,
      201,
    );
    boards.push({ id: board.id, teamId: scope.id ?? null });
  }
  const managers = [];
  for (const team of teams) {
    const account = { email: `floor-${team.id.slice(0, 8)}@salesboard.invalid`, password: randomBytes(18).toString('base64url') };
    expect(
      await server.http.post('/api/users', { ...account, name: `Floor manager ${team.name}`, role: 'manager', teamIds: [team.id] }),
      'POST /api/users',
      200,
      201,
    );
    const kpis = expect(await server.http.get(`/api/kpis?period=month&teamId=${team.id}`), 'GET /api/kpis', 200);
    managers.push({ account, teamId: team.id, previous: { from: kpis.period.previousFrom, to: kpis.period.previousTo } });
  }
  ctx.log(`  floor: pairing ${tvCount} TVs`);
  const tvs = await pairTvs(
    server,
    Array.from({ length: tvCount }, (_, i) => boards[i % boards.length]),
  );
  return { boards, managers, tvs, wonStages };
}

/** Access tokens live 15 minutes: each size signs its managers in afresh. */
async function signInManagers(ctx, managers) {
  const client = httpClient(ctx.server.baseUrl, { maxSockets: 4 });
  try {
    return await Promise.all(
      managers.map(async (manager) => ({
        ...manager,
        token: expect(await client.post('/api/auth/login', manager.account), 'POST /api/auth/login', 200).accessToken,
      })),
    );
  } finally {
    client.close();
  }
}

/** Half TVs, half dashboards, in turn, so every size has the same mix of boards and teams. */
function screenSpecs(floor, managers, count) {
  return Array.from({ length: count }, (_, i) => {
    if (i % 2 === 0) {
      const tv = floor.tvs[i / 2];
      return { kind: 'tv', token: tv.token, boardId: tv.board.id, teamId: tv.board.teamId };
    }
    const manager = managers[((i - 1) / 2) % managers.length];
    return { kind: 'dashboard', token: manager.token, teamId: manager.teamId, previous: manager.previous, wonStages: floor.wonStages };
  });
}

/** Stage changes through the REST API at the simulator's pace until stopped. */
function writeAtSimulatorPace(ctx, intervalMs) {
  const counts = { ok: 0, failed: 0, skipped: 0 };
  const pending = new Set();
  const timer = setInterval(() => {
    const change = ctx.serverPlan.acquire();
    if (!change) return void counts.skipped++;
    const request = ctx.server.http.post(`/api/deals/${change.dealId}/stage`, change.body).then((res) => {
      const applied = res.status >= 200 && res.status < 300;
      ctx.serverPlan.release(change, applied);
      counts[applied ? 'ok' : 'failed']++;
      pending.delete(request);
    });
    pending.add(request);
  }, intervalMs);
  return {
    counts,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

async function loggedSeq(ctx) {
  const { rows } = await ctx.serverDb.query('SELECT coalesce(max(seq), 0)::bigint AS seq FROM event_log');
  return Number(rows[0].seq);
}

function difference(after, before) {
  const issued = {};
  for (const [name, n] of Object.entries(after.issued)) issued[name] = n - (before.issued[name] ?? 0);
  const out = { issued };
  for (const key of Object.keys(after)) if (key !== 'issued') out[key] = after[key] - before[key];
  return out;
}

/** REST calls per screen-minute of each kind of screen, by call ("tv kpis": 21.5). */
function perScreenMinute(issued, screensOfKind, minutes) {
  const out = {};
  for (const [key, n] of Object.entries(issued)) {
    const kind = key.split(' ')[0];
    if (key.endsWith(' page')) continue;
    out[key] = round(n / (screensOfKind[kind] * minutes), 2);
  }
  return out;
}

/** Waits until no REST call the screens started is still waiting for its answer; false if `limitMs` passes first. */
async function firstLoadsAnswered(ctx, limitMs) {
  const deadline = nowMs() + limitMs;
  for (;;) {
    const counters = await ctx.swarm.screenCounters();
    const issued = Object.values(counters.issued).reduce((sum, n) => sum + n, 0);
    if (issued - counters.completed - counters.aborted - counters.failed <= 0) return true;
    if (nowMs() > deadline) return false;
    await sleep(1_000);
  }
}

async function measureSize(ctx, floor, count) {
  const { warmupSec, windowSec, writeIntervalMs } = ctx.sizes.floor;
  const managers = await signInManagers(ctx, floor.managers);
  const specs = screenSpecs(floor, managers, count);
  const kinds = { tv: specs.filter((s) => s.kind === 'tv').length, dashboard: specs.filter((s) => s.kind === 'dashboard').length };
  const writes = writeAtSimulatorPace(ctx, writeIntervalMs);
  try {
    ctx.log(`  floor: ${count} screens connecting`);
    const conn = await ctx.swarm.connectScreens(ctx.server.wsUrl, ctx.server.baseUrl, specs);
    ctx.log(`  floor: ${conn.connected} connected in ${Math.round(conn.ms)} ms; warming up`);
    // A floor too large for the server still gets measured: the screens that did connect keep
    // making their calls, and the figures say how many failed.
    if (conn.failed) ctx.log(`  floor: ${conn.failed} of ${count} screens failed to connect (${conn.error})`);
    // Past every screen's first load: what is measured is the floor in its steady state. At
    // 2,000 screens the first loads are still being answered after the warm-up; their CPU would
    // count against the events of the window, so the window waits for them (at most 2 minutes).
    await sleep(warmupSec * 1000);
    const settled = await firstLoadsAnswered(ctx, 120_000);
    if (!settled) ctx.log('  floor: first loads still unanswered after 2 minutes; measuring anyway');
    await ctx.quiet();

    const before = {
      at: nowMs(),
      seq: await loggedSeq(ctx),
      cpu: cpuSeconds([ctx.server.pid]),
      screens: await ctx.swarm.screenCounters(),
      writes: { ...writes.counts },
    };
    const meter = ctx.meter('server');
    ctx.log(`  floor: measuring ${windowSec} s`);
    await sleep(windowSec * 1000);
    const cpu = meter.stop();
    const after = { at: nowMs(), seq: await loggedSeq(ctx), cpu: cpuSeconds([ctx.server.pid]), screens: await ctx.swarm.screenCounters() };

    const minutes = (after.at - before.at) / 60_000;
    const events = after.seq - before.seq;
    const screens = difference(after.screens, before.screens);
    const rest = Object.entries(screens.issued).reduce((n, [key, v]) => (key.endsWith(' page') ? n : n + v), 0);
    const serverCpuMs = (after.cpu - before.cpu) * 1000;
    return {
      screens: count,
      tvs: kinds.tv,
      dashboards: kinds.dashboard,
      connectMs: Math.round(conn.ms),
      connectFailed: conn.failed,
      windowSec: round(minutes * 60, 1),
      events,
      writesOk: writes.counts.ok - before.writes.ok,
      writesFailed: writes.counts.failed - before.writes.failed,
      serverCpuMs: round(serverCpuMs),
      cpuMsPerEvent: events > 0 ? round(serverCpuMs / events, 1) : null,
      restPerScreenMinute: round(rest / (count * minutes), 2),
      restBytesPerScreenMinute: Math.round(screens.restBytes / (count * minutes)),
      socketBytesPerScreenMinute: Math.round(screens.socketBytes / (count * minutes)),
      restByCall: perScreenMinute(screens.issued, kinds, minutes),
      restServedShare: rest > 0 ? round(screens.completed / rest, 2) : null,
      restCompleted: screens.completed,
      restAborted: screens.aborted,
      restFailed: screens.failed,
      gaps: screens.gaps,
      cpu,
    };
  } finally {
    await writes.stop();
    await ctx.swarm.closeAll();
  }
}

export async function floor(ctx) {
  const { screens: sizes, writeIntervalMs, warmupSec, windowSec } = ctx.sizes.floor;
  const floorSetup = await prepare(ctx, Math.ceil(Math.max(...sizes) / 2));
  const detail = {};
  const cpu = {};
  ctx.serverPlan.winEvery = 5; // wins move the leaderboards, as on a real floor
  try {
    for (const count of sizes) {
      const { cpu: phase, ...result } = await measureSize(ctx, floorSetup, count);
      detail[count] = result;
      cpu[`screens${count}`] = phase;
    }
  } finally {
    ctx.serverPlan.winEvery = 0;
  }
  const byScreens = (key) => Object.fromEntries(sizes.map((n) => [String(n), detail[n][key]]));
  const cpuMsPerEvent = byScreens('cpuMsPerEvent');
  const [first, last] = [cpuMsPerEvent[sizes[0]], cpuMsPerEvent[sizes.at(-1)]];
  // A server that answers under half of the calls is saturated (or starved of the shared
  // cores): its CPU per event then stops growing because it does less, not because it scales.
  // Screens that ask nothing (figures pushed) have no share to judge by: not saturated by that.
  const saturated = sizes.filter((n) => detail[n].restServedShare !== null && detail[n].restServedShare < MIN_SERVED_SHARE);
  return {
    cpuMsPerEvent,
    restPerScreenMinute: byScreens('restPerScreenMinute'),
    restBytesPerScreenMinute: byScreens('restBytesPerScreenMinute'),
    socketBytesPerScreenMinute: byScreens('socketBytesPerScreenMinute'),
    /** CPU per event at the largest floor ÷ at the smallest (target < 2). */
    cpuGrowth: first && last && saturated.length === 0 ? round(last / first, 2) : null,
    saturated,
    writeIntervalMs,
    warmupSec,
    windowSec,
    detail,
    cpu,
  };
}
