import { Module } from '@nestjs/common';
import { StagesModule } from '../stages/stages.module.js';
import { DealsController } from './deals.controller.js';
import { DealCommands } from './deal-commands.service.js';
import { DealsService } from './deals.service.js';

@Module({ imports: [StagesModule], controllers: [DealsController], providers: [DealsService, DealCommands], exports: [DealsService, DealCommands] })
export class DealsModule {}
