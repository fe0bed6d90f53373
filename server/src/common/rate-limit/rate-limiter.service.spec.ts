import type { AppConfig } from '../../config/app.config.js';
import { untilRedisAnswers } from '../../../test/support/redis.js';
import { RateLimiter } from './rate-limiter.service.js';

const config = (redisUrl?: string) => ({ redisUrl }) as AppConfig;

describe('rate limiting', () => {
  it('allows the limit within a window and refuses the next, with the seconds to wait', async () => {
    const limiter = new RateLimiter(config());
    const decisions = [];
    for (let i = 0; i < 11; i++) decisions.push(await limiter.hit('pairing:user-1', 10, 60));
    expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
    expect(decisions[10]).toMatchObject({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect(decisions[10].retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.hit('pairing:user-2', 10, 60)).allowed).toBe(true);
    await limiter.onModuleDestroy();
  });

  it('shares counters through Redis, and reports it up', async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const [a, b] = [new RateLimiter(config(url)), new RateLimiter(config(url))];
    await untilRedisAnswers([a, b]);
    expect(await a.redisStatus()).toBe('up');
    const key = `login:test-${Date.now()}`;
    for (let i = 0; i < 3; i++) await a.hit(key, 5, 60);
    for (let i = 0; i < 2; i++) expect((await b.hit(key, 5, 60)).allowed).toBe(true);
    expect((await b.hit(key, 5, 60)).allowed).toBe(false);
    await Promise.all([a.onModuleDestroy(), b.onModuleDestroy()]);
  });

  it('reports Redis down and falls back to its own counters when Redis is away', async () => {
    const limiter = new RateLimiter(config('redis://127.0.0.1:1'));
    expect(await limiter.redisStatus()).toBe('down');
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push((await limiter.hit('login:x', 2, 60)).allowed);
    expect(decisions).toEqual([true, true, false]);
    await limiter.onModuleDestroy();
  });
});
