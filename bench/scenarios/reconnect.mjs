/**
 * reconnect: the server restarts (SIGTERM, then a fresh start on the same port) with clients
 * connected. Meanwhile events keep arriving in the log (appended directly, as another node
 * would write them), so every client must replay, not just reconnect. Measures from the
 * SIGTERM until every client is connected again and has the latest seq. Clients reconnect
 * with socket.io-client's backoff and auth since = their last seq.
 */
import { nowMs, sleep, waitFor } from '../lib/clock.mjs';
import { appendEvents } from '../lib/pg-reference.mjs';
import { round, summarize } from '../lib/stats.mjs';

export async function reconnect(ctx) {
  const { clients, missedEvents, timeoutSec } = ctx.sizes.reconnect;
  const conn = await ctx.swarm.connect(ctx.server.wsUrl, clients, { since: await ctx.server.head() });
  if (conn.failed) throw new Error(`${conn.failed} of ${clients} clients failed to connect (${conn.error})`);
  await ctx.swarm.reconnect(true);
  // Give every client a real last seq before the restart.
  const before = await appendEvents(ctx.serverDb, ctx.payloads.slice(0, 5));
  await ctx.swarm.expect(before);
  await waitFor(async () => (await ctx.swarm.resynced()).count === clients, { timeoutMs: 10_000 });

  await ctx.quiet();
  const meter = ctx.meter('server');
  const t0 = nowMs();
  await ctx.server.stop();
  const stoppedSec = (nowMs() - t0) / 1000;
  const latest = await appendEvents(ctx.serverDb, ctx.payloads.slice(0, missedEvents));
  await ctx.swarm.expect(latest);
  await ctx.server.start();
  const healthySec = (nowMs() - t0) / 1000;
  let resynced = 0;
  await waitFor(
    async () => {
      resynced = (await ctx.swarm.resynced()).count;
      return resynced === clients;
    },
    { timeoutMs: timeoutSec * 1000, intervalMs: 50 },
  );
  const allSec = (nowMs() - t0) / 1000;
  const cpu = meter.stop();
  const { times } = await ctx.swarm.resynced();
  const perClient = summarize(times.filter((t) => t !== null).map((t) => (t - t0) / 1000));
  const counters = await ctx.swarm.counters();
  const resyncsByMode = {
    replay: await ctx.server.metric('salesboard_resyncs_total{mode="replay"}'),
    snapshot: await ctx.server.metric('salesboard_resyncs_total{mode="snapshot"}'),
  };
  await ctx.swarm.reconnect(false);
  await ctx.swarm.closeAll();
  await sleep(200);
  return {
    clients,
    missedEvents,
    allResyncedSec: resynced === clients ? round(allSec, 2) : null,
    resynced,
    stoppedSec: round(stoppedSec, 2),
    healthySec: round(healthySec, 2),
    clientResyncP50Sec: round(perClient.p50, 2),
    clientResyncP99Sec: round(perClient.p99, 2),
    snapshotsReceived: counters.snapshots,
    resyncsByMode,
    cpu: { server: cpu },
  };
}
