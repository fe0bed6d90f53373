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
 * start, and the seconds from the first send until the last answer.
 */
export async function openLoop(plan, { rate, durationSec }, send) {
  const startedAt = nowMs();
  const total = Math.round(rate * durationSec);
  const latencies = [];
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
      if (ok) latencies.push(nowMs() - sentAt);
      else failed++;
    };
    pending.push(send(change, sentAt).then(answered, () => answered(false)));
  }
  await Promise.all(pending);
  return { sent: total - skipped, skipped, failed, latencies, seconds: (nowMs() - startedAt) / 1000 };
}
