import { Module } from '@nestjs/common';
import { KpiStoreModule } from '../kpis/kpi-store.module.js';
import { StagesModule } from '../stages/stages.module.js';
import { DisplayScopeWatcher } from './display-scope.watcher.js';
import { EventAudience } from './event-audience.js';
import { EventStreamService } from './event-stream.service.js';
import { LiveGateway } from './live.gateway.js';
import { LivePublisher } from './live.publisher.js';
import { SnapshotController } from './snapshot.controller.js';
import { SnapshotService } from './snapshot.service.js';

@Module({
  imports: [StagesModule, KpiStoreModule],
  controllers: [SnapshotController],
  providers: [EventStreamService, EventAudience, SnapshotService, LivePublisher, LiveGateway, DisplayScopeWatcher],
  exports: [EventStreamService, EventAudience, LivePublisher],
})
export class LiveModule {}
