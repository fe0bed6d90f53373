import { Module } from '@nestjs/common';
import { StagesModule } from '../stages/stages.module.js';
import { DealsController } from './deals.controller.js';
import { DealsService } from './deals.service.js';

@Module({ imports: [StagesModule], controllers: [DealsController], providers: [DealsService], exports: [DealsService] })
export class DealsModule {}
