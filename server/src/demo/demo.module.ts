import { Module } from '@nestjs/common';
import { ActivitiesModule } from '../activities/activities.module.js';
import { DealsModule } from '../deals/deals.module.js';
import { StagesModule } from '../stages/stages.module.js';
import { DemoService } from './demo.service.js';
import { SimulatorService } from './simulator.service.js';

@Module({ imports: [DealsModule, ActivitiesModule, StagesModule], providers: [DemoService, SimulatorService], exports: [DemoService, SimulatorService] })
export class DemoModule {}
