import { Module } from '@nestjs/common';
import { AggregateLoader } from './aggregate-loader.js';
import { KpiStore } from './kpi-store.service.js';
import { LeaderboardService } from './leaderboard.service.js';

/**
 * The aggregates and the leaderboards read from them, without the live stream: the snapshot
 * module imports this for the leaderboard, and the store follows the log on the bus by itself.
 */
@Module({
  providers: [KpiStore, AggregateLoader, LeaderboardService],
  exports: [KpiStore, LeaderboardService],
})
export class KpiStoreModule {}
