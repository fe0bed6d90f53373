import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthStatus } from '@salesboard/shared';
import { RateLimiter } from '../common/rate-limit/rate-limiter.service.js';
import { EventStreamService } from '../live/event-stream.service.js';

/** A database that does not answer within this time counts as down: health must not hang. */
const PROBE_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stream: EventStreamService,
    private readonly limiter: RateLimiter,
  ) {}

  async check(): Promise<HealthStatus> {
    const redis = await this.limiter.redisStatus();
    const withRedis = (status: HealthStatus): HealthStatus => (redis === null ? status : { ...status, redis });
    try {
      const rows = await withTimeout(this.dataSource.query<{ seq: string }[]>('SELECT seq FROM event_seq WHERE id = 1'), PROBE_TIMEOUT_MS);
      return withRedis({ status: 'ok', db: 'up', seq: Number(rows[0]?.seq ?? 0) });
    } catch {
      return withRedis({ status: 'degraded', db: 'down', seq: this.stream.head() });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
