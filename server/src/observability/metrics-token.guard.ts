import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { unauthorized } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';

/**
 * With METRICS_TOKEN set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`: the
 * series name routes, counts and pool sizes, which is more than a stranger needs to know. The
 * scraper's token is its own, so no user's or key's credential is stored in Prometheus.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.metricsToken ? digest(config.metricsToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization;
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Digests of equal length, compared in constant time: the answer's timing tells nothing of the token.
    if (!timingSafeEqual(digest(given), this.expected)) throw unauthorized('authorization: /metrics needs "Bearer <METRICS_TOKEN>"');
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
