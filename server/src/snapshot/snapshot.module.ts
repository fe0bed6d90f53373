import { Global, Module } from '@nestjs/common';
import { KpiStoreModule } from '../kpis/kpi-store.module.js';
import { LiveModule } from '../live/live.module.js';
import { SNAPSHOT_SOURCE } from '../live/snapshot-source.js';
import { StagesModule } from '../stages/stages.module.js';
import { SnapshotController } from './snapshot.controller.js';
import { SnapshotService } from './snapshot.service.js';

/**
 * GET /api/snapshot, and the snapshot a socket gets on connect: global so the live module
 * receives it through SNAPSHOT_SOURCE without importing the domain it is built from.
 */
@Global()
@Module({
  imports: [LiveModule, StagesModule, KpiStoreModule],
  controllers: [SnapshotController],
  providers: [SnapshotService, { provide: SNAPSHOT_SOURCE, useExisting: SnapshotService }],
  exports: [SNAPSHOT_SOURCE],
})
export class SnapshotModule {}
