/**
 * Waits until each rate limiter's Redis answers. A limiter still connecting counts on its own (its
 * fallback when Redis is away), so a test of counters shared through Redis must not start before;
 * a fixed wait for the connection failed on a loaded machine.
 */
import type { RateLimiter } from '../../src/common/rate-limit/rate-limiter.service.js';

export async function untilRedisAnswers(limiters: RateLimiter[], timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while ((await Promise.all(limiters.map((limiter) => limiter.redisStatus()))).some((status) => status !== 'up')) {
    if (Date.now() - started > timeoutMs) throw new Error(`Redis did not answer ${limiters.length} limiter(s) within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
