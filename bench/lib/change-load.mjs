/**
 * Sends stage changes at a steady rate and measures, for each, the time from just before its
 * request left the driver until the last connected client had the event (and the first, to
 * tell processing from fan-out). Requests are open-loop: a slow answer does not delay the
 * next send, so queueing in the server shows up as latency instead of a lower rate.
 */
import { waitFor } from './clock.mjs';
import { openLoop } from './open-loop.mjs';
import { round, summarize } from './stats.mjs';

/** Targets: how one change is sent to the real server and to the reference server. */
export const targets = {
  server: (server) => (change) => server.http.post(`/api/deals/${change.dealId}/stage`, change.body),
  reference:
    (ref, { db }) =>
    (change) =>
      ref.http.post('/change', { db, type: 'deal.stageChanged', dealId: change.dealId, from: change.from, to: change.to, payload: change.payload }),
};

export async function measureChanges({ send, swarm, plan, rate, durationSec, clients, settleMs = 5000 }) {
  await swarm.track(true);
  const base = (await swarm.counters()).deliveries;
  const sentAt = new Map(); // key → [t0, …] in send order
  let warned = 0;
  const run = await openLoop(plan, { rate, durationSec }, async (change, t0) => {
    if (!sentAt.has(change.key)) sentAt.set(change.key, []);
    sentAt.get(change.key).push(t0);
    const res = await send(change);
    const applied = res.status >= 200 && res.status < 300;
    if (!applied && ++warned <= 3) console.warn(`  change failed: ${res.status} ${res.text.slice(0, 200)}`);
    return applied;
  });
  const { sent, skipped, failed, latencies: http, seconds: sendSec } = run;
  const ok = http.length;
  // Every applied change must reach every client; wait for that, but not forever.
  await waitFor(async () => (await swarm.counters()).deliveries - base >= ok * clients, { timeoutMs: settleMs, intervalMs: 50 });
  const { stats, samples } = await swarm.collect();
  await swarm.track(false);

  const all = [];
  const first = [];
  let incomplete = 0;
  let unmatched = 0;
  for (const [seq, key] of [...samples].sort((a, b) => a[0] - b[0])) {
    const t0 = sentAt.get(key)?.shift();
    const stat = stats.get(seq);
    if (t0 === undefined || !stat) {
      unmatched++;
      continue;
    }
    if (stat.count < clients) incomplete++;
    else all.push(stat.last - t0);
    first.push(stat.first - t0);
  }
  return summarizeRuns([{ sent, ok, failed, skipped, sendSec, incomplete, unmatched, all, first, http }]);
}

/**
 * One result from several runs of the same target (rounds alternate with the other target, so
 * both meet the same share of whatever else the machine was doing): counts add up, latencies
 * are ranked together.
 */
export function summarizeRuns(runs) {
  const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
  const all = runs.flatMap((r) => r.all);
  const everyone = summarize(all);
  return {
    rounds: runs.length,
    sent: sum('sent'),
    ok: sum('ok'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    achievedRate: round(sum('ok') / sum('sendSec'), 1),
    measured: all.length,
    incomplete: sum('incomplete'),
    unmatched: sum('unmatched'),
    p50Ms: round(everyone.p50),
    p99Ms: round(everyone.p99),
    maxMs: round(everyone.max),
    firstClientP50Ms: round(summarize(runs.flatMap((r) => r.first)).p50),
    httpP50Ms: round(summarize(runs.flatMap((r) => r.http)).p50),
    httpP99Ms: round(summarize(runs.flatMap((r) => r.http)).p99),
    runs,
  };
}
