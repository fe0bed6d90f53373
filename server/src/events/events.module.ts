import { Global, Module } from '@nestjs/common';
import { MetricsService } from '../observability/metrics.service.js';
import { AppEvents } from './app-events.js';
import { EventWriter } from './event-writer.service.js';

@Global()
@Module({ providers: [EventWriter, AppEvents], exports: [EventWriter, AppEvents] })
export class EventsModule {
  constructor(bus: AppEvents, metrics: MetricsService) {
    bus.on('log.committed', ({ events }) => metrics.eventsWritten.inc(events.length));
  }
}
