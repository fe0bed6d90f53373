/**
 * ingest: stage changes accepted per second through REST, each committed (durable, with
 * synchronous_commit on) before its 2xx, with a fixed number in flight and no live clients.
 * Then the HTTP p99 at 70 % of that rate, open-loop. Reference: the same rows with plain pg,
 * one change per transaction, over 4 connections, closed-loop for its rate, then open-loop at
 * 70 % of that rate for its p99. Meanwhile pg_stat_activity is sampled: where
 * the backends wait says where the write path queues.
 */
import { nowMs, sleep } from '../lib/clock.mjs';
import { mergeCpu } from '../lib/cpu.mjs';
import { sampleActivity } from '../lib/pg-activity.mjs';
import { openLoop, stallsOf } from '../lib/open-loop.mjs';
import { referenceChange, referenceTps } from '../lib/pg-reference.mjs';
import { round, summarize } from '../lib/stats.mjs';

async function closedLoop(ctx, { concurrency, durationSec }) {
  const until = nowMs() + durationSec * 1000;
  const startedAt = nowMs();
  const latencies = [];
  let failed = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    for (let i = 0; nowMs() < until && i < 1e6; i++) {
      const change = ctx.serverPlan.acquire();
      if (!change) return void (await sleep(5));
      const res = await ctx.server.http.post(`/api/deals/${change.dealId}/stage`, change.body);
      const ok = res.status >= 200 && res.status < 300;
      ctx.serverPlan.release(change, ok);
      if (ok) latencies.push(res.ms);
      else failed++;
    }
  });
  await Promise.all(lanes);
  const seconds = (nowMs() - startedAt) / 1000;
  return { perSec: latencies.length / seconds, failed, latencies };
}

export async function ingest(ctx) {
  const { concurrency, durationSec, rounds } = ctx.sizes.ingest;
  const per = durationSec / rounds;
  const peaks = [];
  const refs = [];
  const cpu = { server: [], reference: [] };
  const backends = { server: [], reference: [] };
  // Server and reference take turns, so both meet the same share of the machine.
  for (let round = 0; round < rounds; round++) {
    await ctx.quiet();
    let meter = ctx.meter('server');
    let activity = sampleActivity(ctx.serverDb, ctx.serverDbName);
    peaks.push(await ctx.profiled('ingest/server', ctx.server, () => closedLoop(ctx, { concurrency, durationSec: per })));
    cpu.server.push(meter.stop());
    backends.server.push(await activity.stop());

    await ctx.quiet();
    meter = ctx.meter('reference');
    activity = sampleActivity(ctx.serverDb, ctx.refDbName);
    refs.push(await referenceTps(ctx.refDb, ctx.refPlan, { connections: 4, durationSec: per }));
    cpu.reference.push(meter.stop());
    backends.reference.push(await activity.stop());
  }
  const peak = {
    perSec: peaks.reduce((n, p) => n + p.perSec, 0) / rounds,
    failed: peaks.reduce((n, p) => n + p.failed, 0),
    http: summarize(peaks.flatMap((p) => p.latencies)),
  };
  const ref = {
    tps: refs.reduce((n, r) => n + r.tps, 0) / rounds,
    committed: refs.reduce((n, r) => n + r.committed, 0),
    failed: refs.reduce((n, r) => n + r.failed, 0),
  };

  const rate70 = Math.max(1, Math.round(peak.perSec * 0.7));
  await ctx.quiet();
  const meter = ctx.meter('server');
  await ctx.server.probe('eld-reset');
  // Profiled too: the tail at 70 % is what the profile of this phase, not of the peak, explains.
  const at70 = await ctx.profiled('ingest/at70', ctx.server, () =>
    openLoop(ctx.serverPlan, { rate: rate70, durationSec }, async (change) => {
      const res = await ctx.server.http.post(`/api/deals/${change.dealId}/stage`, change.body);
      return res.status >= 200 && res.status < 300;
    }),
  );
  at70.http = summarize(at70.latencies);
  const at70Cpu = meter.stop();
  // Where a slow answer's time went on the server: a stalled event loop, and how much of that was GC.
  const at70EventLoop = await ctx.server.probe('eld');
  const at70Gc = await ctx.server.probe('gc');
  // The same share of plain pg's own rate: how much of the server's tail the machine alone makes.
  await ctx.quiet();
  const refAt70 = await openLoop(ctx.refPlan, { rate: Math.max(1, Math.round(ref.tps * 0.7)), durationSec }, async (change) => {
    // Waits for one of the reference's 4 connections, as a request waits for the server's pool.
    const client = await ctx.refDb.connect();
    try {
      await referenceChange(client, change);
      return true;
    } finally {
      client.release();
    }
  });
  const refAt70Http = summarize(refAt70.latencies);

  return {
    concurrency,
    durationSec,
    eventsPerSec: round(peak.perSec, 1),
    refTps: round(ref.tps, 1),
    httpP99Ms: round(at70.http.p99),
    httpP50Ms: round(at70.http.p50),
    refP99MsAt70: round(refAt70Http.p99),
    at70PerSec: rate70,
    peakHttpP99Ms: round(peak.http.p99),
    rounds,
    backends: { server: backends.server.at(-1), reference: backends.reference.at(-1) },
    detail: {
      peak: { failed: peak.failed, http: peak.http },
      at70: {
        sent: at70.sent,
        failed: at70.failed,
        skipped: at70.skipped,
        http: at70.http,
        stalls: stallsOf(at70.answers),
        eventLoop: at70EventLoop,
        gc: at70Gc,
      },
      reference: ref,
      referenceAt70: {
        rate: Math.round(ref.tps * 0.7),
        sent: refAt70.sent,
        failed: refAt70.failed,
        skipped: refAt70.skipped,
        answer: refAt70Http,
        stalls: stallsOf(refAt70.answers),
      },
    },
    cpu: { server: mergeCpu(cpu.server), serverAt70: at70Cpu, reference: mergeCpu(cpu.reference) },
  };
}
