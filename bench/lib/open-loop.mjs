/**
 * Open-loop load: each change is started on time whether or not earlier ones are done, as
 * requests arrive on a real floor; a closed loop would slow down with the server and hide its
 * queueing. Used for the server's HTTP p99 and plain pg's at the same share of their own rates,
 * and for the changes whose deliveries the latency and clients scenarios time.
 */
import { nowMs, sleep } from './clock.mjs';

/**
 * Takes `rate` changes a second from `plan` for `durationSec` and starts `send(change, sentAt)` for
 * each (true when it was applied); returns the answer times of those applied, in ms from their
 * start, and the seconds from the first send until the last answer. `answers` has each answered
 * change as [ms from the first send to its send, ms to its answer], for `stallsOf`.
 */
export async function openLoop(plan, { rate, durationSec }, send) {
  const startedAt = nowMs();
  const total = Math.round(rate * durationSec);
  const latencies = [];
  const answers = [];
  const pending = [];
  let failed = 0;
  let skipped = 0;
  for (let i = 0; i < total; i++) {
    const wait = startedAt + (i * 1000) / rate - nowMs();
    if (wait > 0) await sleep(wait);
    const change = plan.acquire();
    if (!change) {
      skipped++;
      continue;
    }
    const sentAt = nowMs();
    const answered = (ok) => {
      plan.release(change, ok);
      const ms = nowMs() - sentAt;
      answers.push([sentAt - startedAt, ms]);
      if (ok) latencies.push(ms);
      else failed++;
    };
    pending.push(send(change, sentAt).then(answered, () => answered(false)));
  }
  await Promise.all(pending);
  return { sent: total - skipped, skipped, failed, latencies, answers, seconds: (nowMs() - startedAt) / 1000 };
}

/**
 * Where an open loop's slow answers came from: answers over `overMs`, grouped into stalls (sent
 * within `gapMs` of the previous slow one). A tail made of one or two stalls of a hundred
 * milliseconds (every change sent meanwhile waits) is a pause somewhere, not a slow write path;
 * one spread evenly over the run is the path itself.
 */
export function stallsOf(answers, { overMs = 20, gapMs = 30 } = {}) {
  const slow = answers.filter(([, ms]) => ms > overMs).sort((a, b) => a[0] - b[0]);
  const stalls = [];
  for (const [sentMs, ms] of slow) {
    const last = stalls.at(-1);
    if (last && sentMs - last.lastSentMs <= gapMs) {
      last.lastSentMs = sentMs;
      last.answers++;
      last.maxMs = Math.max(last.maxMs, ms);
    } else stalls.push({ atMs: sentMs, lastSentMs: sentMs, answers: 1, maxMs: ms });
  }
  const longest = stalls
    .map(({ atMs, lastSentMs, answers: n, maxMs }) => ({ atMs: Math.round(atMs), spanMs: Math.round(lastSentMs - atMs), answers: n, maxMs: Math.round(maxMs) }))
    .sort((a, b) => b.answers - a.answers)
    .slice(0, 3);
  return { overMs, slowAnswers: slow.length, stalls: stalls.length, largest: longest };
}
