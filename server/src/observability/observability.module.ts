import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EventWriter } from '../events/event-writer.service.js';
import { LiveModule } from '../live/live.module.js';
import { HttpMetricsInterceptor } from './http-metrics.interceptor.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({
  imports: [LiveModule],
  controllers: [MetricsController],
  providers: [MetricsService, { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor }],
  exports: [MetricsService],
})
export class ObservabilityModule {
  constructor(writer: EventWriter, metrics: MetricsService) {
    writer.onCommitted(({ firstSeq, lastSeq }) => metrics.eventsWritten.inc(lastSeq - firstSeq + 1));
  }
}
