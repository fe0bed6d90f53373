import { Inject, Injectable, SetMetadata } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Caller } from '../caller.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { RateLimiter } from './rate-limiter.service.js';
import { TooManyRequests } from './too-many.js';

export const NO_RATE_LIMIT = 'salesboard:no-rate-limit';

/** Routes a load balancer or Prometheus calls on a schedule: never throttled. */
export const SkipRateLimit = () => SetMetadata(NO_RATE_LIMIT, true);

const WINDOW_SECONDS = 60;
/** Integrations send in bulk by design; a person's browser never needs this many. */
const API_KEY_FACTOR = 10;

/**
 * The general REST limit: per credential for whoever signed in (so colleagues behind one office
 * NAT do not share an allowance), per IP for everyone else, including failed sign-ins. The
 * counters are this node's own: a cheap Map lookup on every request, where a Redis round trip
 * would cost every request a millisecond; login and pairing keep their cluster-wide counters.
 */
@Injectable()
export class RequestRateLimit {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  check(request: Request, response: Response, principal: Caller | null): void {
    const signedIn = principal !== null && principal.kind !== 'anonymous';
    const perMinute = signedIn ? this.config.rateLimitPerMinute * (principal.kind === 'apiKey' ? API_KEY_FACTOR : 1) : this.config.rateLimitIpPerMinute;
    if (perMinute === 0) return;
    const key = signedIn ? `rest:${principal.kind}:${principal.id}` : `rest:ip:${request.ip ?? 'unknown'}`;
    const decision = this.limiter.hitHere(key, perMinute, WINDOW_SECONDS);
    response.setHeader('RateLimit-Limit', String(perMinute));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    response.setHeader('RateLimit-Reset', String(decision.retryAfterSeconds));
    if (!decision.allowed) {
      throw new TooManyRequests('rate limit', decision, `too many requests from this ${signedIn ? 'credential' : 'address'}`);
    }
  }
}
