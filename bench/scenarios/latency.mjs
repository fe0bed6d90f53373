/**
 * latency: a stage change posted over REST until every connected client has its event, at a
 * steady 10 changes/s. Reference: the same payloads through the minimal socket.io server, which
 * first commits the same rows with plain pg (refP50Ms); and once more with no database at all
 * (refNoDb*), which shows how much of the time is PostgreSQL's. The three targets take turns
 * in short rounds, so a build someone starts halfway hits all three alike.
 */
import { measureChanges, summarizeRuns, targets } from '../lib/change-load.mjs';
import { mergeCpu } from '../lib/cpu.mjs';

export async function latency(ctx) {
  const { clients, rate, durationSec, rounds } = ctx.sizes.latency;
  const sides = [
    { name: 'server', measured: ctx.server, url: ctx.server.wsUrl, send: targets.server(ctx.server), plan: ctx.serverPlan },
    { name: 'reference', measured: ctx.ref, url: ctx.ref.wsUrl, send: targets.reference(ctx.ref, { db: true }), plan: ctx.refPlan },
    { name: 'referenceNoDb', measured: ctx.ref, url: ctx.ref.wsUrl, send: targets.reference(ctx.ref, { db: false }), plan: ctx.refPlan },
  ];
  const runs = Object.fromEntries(sides.map((side) => [side.name, []]));
  const cpu = Object.fromEntries(sides.map((side) => [side.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Reverse the order every other round: no side always goes first, after a reconnect.
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      const since = side.measured === ctx.server ? await ctx.server.head() : undefined;
      const conn = await ctx.swarm.connect(side.url, clients, { since });
      if (conn.failed) throw new Error(`${side.name}: ${conn.failed} of ${clients} clients failed to connect (${conn.error})`);
      await ctx.quiet();
      const meter = ctx.meter(side.measured === ctx.server ? 'server' : 'reference');
      const result = await ctx.profiled(`latency/${side.name}`, side.measured, () =>
        measureChanges({ send: side.send, swarm: ctx.swarm, plan: side.plan, rate, durationSec: durationSec / rounds, clients }),
      );
      cpu[side.name].push(meter.stop());
      runs[side.name].push(...result.runs);
      await ctx.swarm.closeAll();
    }
  }
  const [server, ref, noDb] = sides.map((side) => summarizeRuns(runs[side.name]));
  for (const result of [server, ref, noDb]) delete result.runs; // raw samples: summarized above
  return {
    clients,
    changesPerSec: rate,
    durationSec,
    rounds,
    p50Ms: server.p50Ms,
    p99Ms: server.p99Ms,
    maxMs: server.maxMs,
    refP50Ms: ref.p50Ms,
    refP99Ms: ref.p99Ms,
    refNoDbP50Ms: noDb.p50Ms,
    refNoDbP99Ms: noDb.p99Ms,
    detail: { server, reference: ref, referenceNoDb: noDb },
    cpu: { server: mergeCpu(cpu.server), reference: mergeCpu(cpu.reference), referenceNoDb: mergeCpu(cpu.referenceNoDb) },
  };
}
