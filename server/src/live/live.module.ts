import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module.js';
import { StagesModule } from '../stages/stages.module.js';
import { EventStreamService } from './event-stream.service.js';
import { LeaderboardUpdatesService } from './leaderboard-updates.service.js';
import { LiveGateway } from './live.gateway.js';
import { LivePublisher } from './live.publisher.js';
import { SnapshotController } from './snapshot.controller.js';
import { SnapshotService } from './snapshot.service.js';

@Module({
  imports: [StagesModule, LeaderboardModule],
  controllers: [SnapshotController],
  providers: [EventStreamService, SnapshotService, LivePublisher, LiveGateway, LeaderboardUpdatesService],
  exports: [EventStreamService, LivePublisher],
})
export class LiveModule {}
