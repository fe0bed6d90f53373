/**
 * clients: the most clients one process holds while every event still reaches all of them
 * with p99 ≤ 250 ms, at 10 changes/s. At each step both the server and the reference (the
 * socket.io server without a database) get the same number of clients and the same payloads,
 * one after the other, so both meet the same machine; a side stops at its first failed step.
 */
import { measureChanges, targets } from '../lib/change-load.mjs';

const P99_LIMIT_MS = 250;

async function step(ctx, side, count) {
  const { rate, durationSec } = ctx.sizes.clients;
  const conn = await ctx.swarm.connect(side.url, count, { since: await side.since() });
  await ctx.quiet();
  const meter = ctx.meter(side.meter);
  const result = conn.failed ? null : await measureChanges({ send: side.send, swarm: ctx.swarm, plan: side.plan, rate, durationSec, clients: conn.connected });
  const cpu = meter.stop();
  await ctx.swarm.closeAll();
  const passed = Boolean(result) && result.incomplete === 0 && result.failed === 0 && result.measured > 0 && result.p99Ms <= P99_LIMIT_MS;
  return {
    clients: count,
    connectFailed: conn.failed,
    connectMs: Math.round(conn.ms),
    passed,
    p50Ms: result?.p50Ms ?? null,
    p99Ms: result?.p99Ms ?? null,
    incomplete: result?.incomplete ?? null,
    cpu,
  };
}

export async function clients(ctx) {
  const sides = [
    { name: 'server', meter: 'server', url: ctx.server.wsUrl, send: targets.server(ctx.server), plan: ctx.serverPlan, since: () => ctx.server.head() },
    {
      name: 'reference',
      meter: 'reference',
      url: ctx.ref.wsUrl,
      send: targets.reference(ctx.ref, { db: false }),
      plan: ctx.refPlan,
      since: async () => undefined,
    },
  ];
  for (const side of sides) Object.assign(side, { max: 0, steps: [], done: false });
  for (const count of ctx.sizes.clients.steps) {
    for (const side of sides) {
      if (side.done) continue;
      const result = await step(ctx, side, count);
      side.steps.push(result);
      if (result.passed) side.max = count;
      else side.done = true;
    }
    if (sides.every((side) => side.done)) break;
  }
  const [server, ref] = sides;
  const tested = ctx.sizes.clients.steps;
  return {
    maxClients: server.max,
    refMaxClients: ref.max,
    largestStepTried: tested[tested.length - 1],
    p99LimitMs: P99_LIMIT_MS,
    detail: { server: server.steps, reference: ref.steps },
    cpu: { server: server.steps.at(-1)?.cpu ?? null, reference: ref.steps.at(-1)?.cpu ?? null },
  };
}
