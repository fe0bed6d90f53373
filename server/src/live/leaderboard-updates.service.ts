import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LeaderboardService, movesRevenue } from '../leaderboard/leaderboard.service.js';
import { EventStreamService } from './event-stream.service.js';
import { LivePublisher } from './live.publisher.js';

/** At most 4 leaderboard updates a second, however fast deals are won. */
const COALESCE_MS = 250;

/** Recomputes the revenue leaderboard after events that move it and streams `leaderboard.updated`. */
@Injectable()
export class LeaderboardUpdatesService implements OnModuleDestroy {
  private readonly logger = new Logger(LeaderboardUpdatesService.name);
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = 0;

  constructor(
    stream: EventStreamService,
    private readonly leaderboard: LeaderboardService,
    private readonly publisher: LivePublisher,
  ) {
    stream.onEvents((events) => {
      if (events.some(movesRevenue)) this.schedule();
    });
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + COALESCE_MS - Date.now());
    this.timer = setTimeout(() => void this.send(), wait);
  }

  private async send(): Promise<void> {
    try {
      const rows = await this.leaderboard.revenueThisMonth();
      this.lastSentAt = Date.now();
      this.publisher.publishDerived('leaderboard.updated', { metric: 'revenue', period: 'month', scope: 'all', rows });
    } catch (error) {
      this.logger.warn(`leaderboard refresh failed: ${String(error)}`);
    } finally {
      this.timer = null;
    }
  }
}
