import { Module } from '@nestjs/common';
import { EventAudience } from './event-audience.js';
import { EventStreamService } from './event-stream.service.js';
import { LiveGateway } from './live.gateway.js';
import { LiveMetrics } from './live-metrics.js';
import { LivePublisher } from './live.publisher.js';

/**
 * The socket stream. It knows no domain module: it hears the log and the other modules on the
 * bus (AppEvents) and gets its snapshots through SNAPSHOT_SOURCE, from the snapshot module.
 */
@Module({
  providers: [EventStreamService, EventAudience, LivePublisher, LiveGateway, LiveMetrics],
  exports: [EventStreamService, EventAudience, LivePublisher],
})
export class LiveModule {}
