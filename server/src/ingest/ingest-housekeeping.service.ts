import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LivePublisher } from '../live/live.publisher.js';
import { ImportJobsService } from './import/import-jobs.service.js';

const EVERY_MS = 60_000;
/** A running import touches its job every 30 s; one untouched for this long lost its node. */
const STALE_IMPORT_MS = 2 * 60_000;
/** CRMs retry for a day or so; delivery ids are kept well beyond. */
const DELIVERY_DAYS = 30;

/**
 * Once a minute, on every node: ends the imports whose node died mid-file (with their summary
 * event, so live views learn of the batches they did write, and their final progress to admins)
 * and forgets old webhook deliveries.
 */
@Injectable()
export class IngestHousekeepingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IngestHousekeepingService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: ImportJobsService,
    private readonly publisher: LivePublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    try {
      for (const id of await this.jobs.staleJobIds(STALE_IMPORT_MS)) {
        const job = await this.jobs.finish(id, 'failed', 'interrupted: the server running the import stopped; import the file again to finish it', {
          source: 'csv',
        });
        this.logger.warn(`import ${id} was interrupted after ${job.rowsRead} rows`);
        // Admins' progress bars end here too, rather than waiting on a node that is gone.
        this.publisher.publishDerived('import.progress', job, { role: 'admin' });
      }
      await this.dataSource.query('DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(days => $1)', [DELIVERY_DAYS]);
    } catch (error) {
      this.logger.warn(`ingest housekeeping failed: ${String(error)}`);
    }
  }
}
