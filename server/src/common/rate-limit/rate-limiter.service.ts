import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets: the Retry-After of a refusal. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters: `limit` hits per `windowSeconds` per key. With REDIS_URL the counters
 * live in Redis, so a client cannot multiply its allowance by spreading over the nodes; without
 * it, in this process.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly local = new Map<string, { count: number; resetsAt: number }>();
  private readonly redis: Redis | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
    this.redis?.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }

  /** null without REDIS_URL; else whether Redis answers a PING within a second. */
  async redisStatus(): Promise<'up' | 'down' | null> {
    if (!this.redis) return null;
    try {
      const answer = await Promise.race([this.redis.ping(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref())]);
      return answer === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        const redisKey = `salesboard:rl:${key}`;
        const [[, count], [, ttl]] = (await this.redis.multi().incr(redisKey).ttl(redisKey).exec()) as [[null, number], [null, number]];
        if (ttl < 0) await this.redis.expire(redisKey, windowSeconds);
        return { allowed: count <= limit, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
      } catch {
        // Redis is away: fall back to this node's own counters rather than fail open or closed.
      }
    }
    return this.hitLocal(key, limit, windowSeconds);
  }

  /** Takes back one hit of `key` (a sign-in that succeeded is not a guess); never below zero. */
  async refund(key: string): Promise<void> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        await this.redis.eval(
          "if (tonumber(redis.call('GET', KEYS[1]) or '0') > 0) then return redis.call('DECR', KEYS[1]) end return 0",
          1,
          `salesboard:rl:${key}`,
        );
        return;
      } catch {
        // As in hit: this node's counters instead.
      }
    }
    const entry = this.local.get(key);
    if (entry && entry.count > 0) entry.count--;
  }

  /** The same count in this process only, for limits where a round trip per request costs too much. */
  hitHere(key: string, limit: number, windowSeconds: number): RateDecision & { remaining: number } {
    const decision = this.hitLocal(key, limit, windowSeconds);
    return { ...decision, remaining: Math.max(0, limit - (this.local.get(key)?.count ?? 0)) };
  }

  private hitLocal(key: string, limit: number, windowSeconds: number): RateDecision {
    const now = Date.now();
    let entry = this.local.get(key);
    if (!entry || entry.resetsAt <= now) {
      entry = { count: 0, resetsAt: now + windowSeconds * 1000 };
      this.local.set(key, entry);
      if (this.local.size > 50_000) this.sweep(now);
    }
    entry.count++;
    return { allowed: entry.count <= limit, retryAfterSeconds: Math.ceil((entry.resetsAt - now) / 1000) };
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.local) if (entry.resetsAt <= now) this.local.delete(key);
  }
}
