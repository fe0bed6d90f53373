import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app.config.js';
import { RateLimiter } from '../common/rate-limit/rate-limiter.service.js';
import { FAILURES_PER_ACCOUNT_AND_ADDRESS, FAILURES_PER_ADDRESS, LoginThrottle } from './login-throttle.js';
import { untilRedisAnswers } from '../../test/support/redis.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Attempts that got past the throttle, each followed by a wrong password. */
async function failures(throttle: LoginThrottle, attempts: { email: string; ip: string }[]): Promise<number> {
  let tried = 0;
  for (const { email, ip } of attempts) {
    try {
      await throttle.attempt(email, ip);
      tried++;
    } catch {
      // 429: refused before any password check.
    }
  }
  return tried;
}

describe('sign-in throttling across nodes', () => {
  const nodes = [new RateLimiter({ redisUrl } as AppConfig), new RateLimiter({ redisUrl } as AppConfig)];
  const [a, b] = nodes.map((limiter) => new LoginThrottle(limiter));

  // Both nodes must count in Redis before the first attempt.
  beforeAll(() => untilRedisAnswers(nodes));
  afterAll(() => Promise.all(nodes.map((n) => n.onModuleDestroy())));

  it('stops a spray from one address spread over two nodes at the address allowance', async () => {
    const ip = `spray-${randomUUID()}`;
    const emails = Array.from({ length: 100 }, (_, i) => ({ email: `someone${i}@example.co.id`, ip }));
    const tried = (await failures(a, emails.slice(0, 30))) + (await failures(b, emails.slice(30)));
    expect(tried).toBe(FAILURES_PER_ADDRESS);
  });

  it('stops guesses at one account from one address over two nodes, and leaves the account open elsewhere', async () => {
    const ip = `guesser-${randomUUID()}`;
    const email = `ayu-${randomUUID()}@example.co.id`;
    const tried = (await failures(a, Array(3).fill({ email, ip }))) + (await failures(b, Array(5).fill({ email, ip })));
    expect(tried).toBe(FAILURES_PER_ACCOUNT_AND_ADDRESS);
    await expect(b.attempt(email, `home-${randomUUID()}`)).resolves.toBeDefined();
  });
});
