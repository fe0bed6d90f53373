import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module.js';
import { LiveModule } from '../live/live.module.js';
import { LeadsController } from './leads.controller.js';
import { LeadsService } from './leads.service.js';

@Module({ imports: [DealsModule, LiveModule], controllers: [LeadsController], providers: [LeadsService] })
export class LeadsModule {}
