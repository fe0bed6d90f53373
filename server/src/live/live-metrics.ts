import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppEvents } from '../events/app-events.js';
import { MetricsService } from '../observability/metrics.service.js';
import { EventStreamService } from './event-stream.service.js';
import { LivePublisher } from './live.publisher.js';

/** The live stream's series, registered in the app's registry by the stream that owns them. */
@Injectable()
export class LiveMetrics {
  constructor(metrics: MetricsService, stream: EventStreamService, publisher: LivePublisher, bus: AppEvents) {
    new Gauge({
      name: 'salesboard_sockets_connected',
      help: 'Connected sockets by namespace and role',
      labelNames: ['namespace', 'role'] as const,
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const [role, count] of Object.entries(publisher.connectedByRole())) this.set({ namespace: '/live', role }, count);
      },
    });
    new Gauge({
      name: 'salesboard_event_log_head',
      help: 'The last seq this node delivered',
      registers: [metrics.registry],
      collect() {
        this.set(stream.head());
      },
    });
    bus.on('log.applied', (events) => {
      const now = Date.now();
      metrics.eventsBroadcast.inc(events.length);
      for (const event of events) metrics.ingestToEmit.observe(Math.max(0, now - Date.parse(event.at)) / 1000);
    });
    bus.on('live.caughtUp', (mode) => (mode === 'snapshot' ? metrics.snapshots.inc() : metrics.resyncs.inc({ mode })));
  }
}
