/**
 * fanout: event deliveries per second to all connected clients at saturation, found by
 * doubling the offered event rate until fewer than 90 % of the offered deliveries arrive within
 * the step. The real server is fed by appending events to its log the way the write path
 * does (counter, rows, NOTIFY), so this measures the live path alone: read by seq → socket.io
 * broadcast. The reference broadcasts the same payloads from inside its own process.
 * Then both run at 70 % of their own ceiling and report their event-loop delay p99.
 */
import { nowMs, waitFor } from '../lib/clock.mjs';
import { feedEvents } from '../lib/pg-reference.mjs';
import { round } from '../lib/stats.mjs';

async function drain(swarm, { quietMs = 500, timeoutMs = 20_000 }) {
  let last = (await swarm.counters()).deliveries;
  let quietSince = nowMs();
  await waitFor(
    async () => {
      const now = (await swarm.counters()).deliveries;
      if (now !== last) {
        last = now;
        quietSince = nowMs();
      }
      return nowMs() - quietSince >= quietMs;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return last;
}

/** One step: `rate` events/s for stepSec to the side's clients, and what arrived meanwhile. */
async function step(ctx, side, rate) {
  const { clients, stepSec } = ctx.sizes.fanout;
  await side.connect();
  await ctx.quiet();
  const { deliveries: before, eventFrames: framesBefore } = await ctx.swarm.counters();
  const meter = ctx.meter(side.meter);
  const startedAt = nowMs();
  const fed = await side.feed(rate, stepSec);
  const seconds = (nowMs() - startedAt) / 1000;
  const counted = await ctx.swarm.counters();
  const within = counted.deliveries - before;
  const cpu = meter.stop();
  const after = (await drain(ctx.swarm, {})) - before;
  await ctx.swarm.closeAll();
  // Offered is what was asked for, not what the feed managed: the reference generates its
  // events on the very event loop that broadcasts them, so when it saturates it also feeds
  // slower, and only the intended rate shows that.
  const offered = rate * clients;
  const delivered = within / seconds;
  return {
    eventsPerSec: rate,
    fedPerSec: Math.round(fed.sent / seconds),
    offeredPerSec: offered,
    deliveredPerSec: Math.round(delivered),
    // Deliveries count events; frames are what carried them (one each on the reference).
    framesPerSec: Math.round((counted.eventFrames - framesBefore) / seconds),
    lost: fed.sent * clients - after,
    saturated: delivered < 0.9 * offered,
    cpu,
  };
}

async function atSeventyPercent(ctx, side) {
  const { clients, loadSec } = ctx.sizes.fanout;
  const rate = Math.max(1, Math.round((0.7 * side.best) / clients));
  await side.connect();
  await ctx.quiet();
  await side.measured.probe('eld-reset');
  await side.measured.metric?.('salesboard_nodejs_eventloop_lag_p99_seconds'); // prom-client resets its histogram per scrape
  const meter = ctx.meter(side.meter);
  await ctx.profiled(`fanout70/${side.name}`, side.measured, () => side.feed(rate, loadSec));
  const eld = await side.measured.probe('eld');
  const gc = await side.measured.probe('gc');
  const fromMetrics = await side.measured.metric?.('salesboard_nodejs_eventloop_lag_p99_seconds');
  const cpu = meter.stop();
  await drain(ctx.swarm, {});
  await ctx.swarm.closeAll();
  return { eventsPerSec: rate, eventLoop: eld, gc, metricsP99Ms: fromMetrics == null ? null : round(fromMetrics * 1000), cpu };
}

export async function fanout(ctx) {
  const { clients, startRate, factor, maxSteps } = ctx.sizes.fanout;
  const payloads = ctx.payloads;
  const connect = async (url, since) => {
    const conn = await ctx.swarm.connect(url, clients, { since });
    if (conn.failed) throw new Error(`${conn.failed} of ${clients} clients failed to connect to ${url} (${conn.error})`);
  };
  const sides = [
    {
      name: 'server',
      meter: 'server',
      measured: ctx.server,
      connect: async () => connect(ctx.server.wsUrl, await ctx.server.head()),
      feed: (rate, durationSec) => feedEvents(ctx.serverDb, payloads, { rate, durationSec }),
    },
    {
      name: 'reference',
      meter: 'reference',
      measured: ctx.ref,
      connect: () => connect(ctx.ref.wsUrl),
      feed: (rate, durationSec) => ctx.ref.call('emitRate', { rate, durationSec, payloads }, durationSec * 1000 + 30_000),
    },
  ];
  for (const side of sides) Object.assign(side, { best: 0, steps: [], done: false });
  // Both sides climb the same rates in turn; each stops at its first saturated step.
  for (let i = 0, rate = startRate; i < maxSteps && sides.some((s) => !s.done); i++, rate = Math.round(rate * factor)) {
    for (const side of sides) {
      if (side.done) continue;
      const result = await step(ctx, side, rate);
      side.steps.push(result);
      side.best = Math.max(side.best, result.deliveredPerSec);
      side.done = result.saturated;
    }
  }
  const [server, ref] = sides;
  const serverLoad = await atSeventyPercent(ctx, server);
  const refLoad = await atSeventyPercent(ctx, ref);

  return {
    clients,
    deliveriesPerSec: server.best,
    refDeliveriesPerSec: ref.best,
    eventLoopP99Ms: serverLoad.eventLoop.p99Ms,
    refEventLoopP99Ms: refLoad.eventLoop.p99Ms,
    eventLoopP99MsFromMetrics: serverLoad.metricsP99Ms,
    detail: { server: { steps: server.steps, at70: serverLoad }, reference: { steps: ref.steps, at70: refLoad } },
    cpu: { server: server.steps.at(-1)?.cpu ?? null, reference: ref.steps.at(-1)?.cpu ?? null, serverAt70: serverLoad.cpu, referenceAt70: refLoad.cpu },
  };
}
