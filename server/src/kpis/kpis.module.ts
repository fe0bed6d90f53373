import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module.js';
import { StagesModule } from '../stages/stages.module.js';
import { KpiLiveService } from './kpi-live.service.js';
import { KpiStoreModule } from './kpi-store.module.js';
import { KpisController } from './kpis.controller.js';
import { KpisService } from './kpis.service.js';

/** GET /api/kpis and /api/leaderboard, and the live `kpi.updated` / `leaderboard.updated` stream. */
@Module({
  imports: [KpiStoreModule, LiveModule, StagesModule],
  controllers: [KpisController],
  providers: [KpisService, KpiLiveService],
})
export class KpisModule {}
