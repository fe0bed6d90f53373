import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The Prometheus series of the design, in one registry per app (tests boot several apps in one
 * process). Named `salesboard_*`; Node's defaults (event-loop delay, heap) come with them.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'salesboard_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'salesboard_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventsWritten = new Counter({
    name: 'salesboard_events_written_total',
    help: 'Events appended to the event log by this node',
    registers: [this.registry],
  });
  readonly eventsBroadcast = new Counter({
    name: 'salesboard_events_broadcast_total',
    help: 'Logged events this node delivered to its sockets',
    registers: [this.registry],
  });
  readonly ingestToEmit = new Histogram({
    name: 'salesboard_ingest_to_emit_seconds',
    help: 'From the writing transaction to the broadcast of its event on this node',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly resyncs = new Counter({
    name: 'salesboard_resyncs_total',
    help: 'Catch-ups served, by how',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });
  readonly snapshots = new Counter({ name: 'salesboard_snapshots_served_total', help: 'Snapshots built for sockets and REST', registers: [this.registry] });

  /** The series of the live stream (sockets, head, broadcasts) are registered by the live module, which owns them. */
  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'salesboard_', eventLoopMonitoringPrecision: 10 });
    const pool = () => (dataSource.driver as unknown as { master?: PgPool }).master;
    new Gauge({
      name: 'salesboard_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
