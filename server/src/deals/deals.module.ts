import { Module } from '@nestjs/common';
import { ExchangeRatesModule } from '../exchange-rates/exchange-rates.module.js';
import { StagesModule } from '../stages/stages.module.js';
import { DealsController } from './deals.controller.js';
import { DealCommands } from './deal-commands.service.js';
import { DealsService } from './deals.service.js';

@Module({
  imports: [StagesModule, ExchangeRatesModule],
  controllers: [DealsController],
  providers: [DealsService, DealCommands],
  exports: [DealsService, DealCommands],
})
export class DealsModule {}
