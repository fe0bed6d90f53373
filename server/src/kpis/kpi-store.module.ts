import { Module } from '@nestjs/common';
import { AggregateLoader } from './aggregate-loader.js';
import { KpiStore } from './kpi-store.service.js';
import { LeaderboardService } from './leaderboard.service.js';

/**
 * The aggregates and the leaderboards read from them, without the live stream: the live module
 * imports this for the snapshot, and KpisModule feeds it from the stream, with no cycle.
 */
@Module({
  providers: [KpiStore, AggregateLoader, LeaderboardService],
  exports: [KpiStore, LeaderboardService],
})
export class KpiStoreModule {}
