import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IDEMPOTENCY_TTL_HOURS } from './idempotency.context.js';

const CLEANUP_EVERY_MS = 60 * 60 * 1000;

/** Forgets idempotency keys older than their lifetime, once an hour. */
@Injectable()
export class IdempotencyCleanupService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyCleanupService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.cleanup(), CLEANUP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async cleanup(): Promise<number> {
    try {
      const rows: unknown[] = await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING key', [
        IDEMPOTENCY_TTL_HOURS,
      ]);
      return rows.length;
    } catch (error) {
      this.logger.warn(`idempotency cleanup failed: ${String(error)}`);
      return 0;
    }
  }
}
