/**
 * One clock for every process of the run. CLOCK_MONOTONIC (process.hrtime) is system-wide on
 * Linux, so a time taken in the driver before a POST and a time taken in a swarm worker when
 * the frame arrives are directly comparable, with sub-millisecond resolution.
 */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function waitFor(check, { timeoutMs, intervalMs = 100 }) {
  const deadline = nowMs() + timeoutMs;
  let value = await check();
  while (!value && nowMs() < deadline) {
    await sleep(intervalMs);
    value = await check();
  }
  return value;
}
