import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { LoggedEvent, LoggedEventType } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { AppEvents } from '../events/app-events.js';
import { EVENTS_CHANNEL } from '../events/event-writer.service.js';

/** How many recent events each node keeps in memory for replay without a query. */
const RING_SIZE = 10_000;
/** A client further behind than this gets a fresh snapshot instead of a replay. */
export const REPLAY_LIMIT = 5_000;
const DRAIN_BATCH = 1_000;
/** Reads by seq are the truth; the poll covers a notification lost while LISTEN reconnects. */
const POLL_MS = 1_000;

interface EventRow {
  seq: string;
  type: LoggedEventType;
  at: Date;
  payload: LoggedEvent['payload'];
}

function toEvent(row: EventRow): LoggedEvent {
  return { seq: Number(row.seq), type: row.type, at: row.at.toISOString(), payload: row.payload } as LoggedEvent;
}

/**
 * Follows the event log in seq order and announces each new event, once, as `log.applied` on
 * the bus (to the socket broadcaster, the aggregates). Every node runs one: PostgreSQL's NOTIFY wakes it, a
 * local commit wakes it sooner, and a slow poll covers a lost wake-up.
 */
@Injectable()
export class EventStreamService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamService.name);
  private readonly ring: LoggedEvent[] = [];
  private delivered = 0;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private listenClient: pg.Client | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private databaseUp = true;
  private downSince: Date | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: AppEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    bus.on('log.committed', () => this.wake());
  }

  async onApplicationBootstrap(): Promise<void> {
    this.delivered = await this.readHead();
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), POLL_MS);
    this.pollTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.draining;
    await this.listenClient?.end().catch(() => undefined);
  }

  /** The last seq this node has delivered to its listeners. */
  head(): number {
    return this.delivered;
  }

  isDatabaseUp(): boolean {
    return this.databaseUp;
  }

  staleSince(): Date | null {
    return this.downSince;
  }

  /** Asks for a drain; concurrent wake-ups collapse into at most one more pass. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.drainAgain) {
        this.drainAgain = false;
        this.wake();
      }
    });
  }

  /**
   * The events after `since` up to what this node has delivered, in order; null when `since`
   * is so far behind that a snapshot is cheaper. Served from memory when the ring holds them.
   */
  async eventsSince(since: number): Promise<LoggedEvent[] | null> {
    if (since >= this.delivered) return [];
    if (this.delivered - since > REPLAY_LIMIT) return null;
    const oldest = this.ring.length ? this.ring[0].seq : Infinity;
    if (since + 1 >= oldest) return this.fromRing(since);
    const rows: EventRow[] = await this.dataSource.query('SELECT seq, type, at, payload FROM event_log WHERE seq > $1 AND seq <= $2 ORDER BY seq', [
      since,
      this.delivered,
    ]);
    const fromDb = rows.map(toEvent);
    // Events delivered while we were reading come from the ring, so nothing falls in between.
    const last = fromDb.length ? fromDb[fromDb.length - 1].seq : since;
    return fromDb.concat(this.fromRing(last));
  }

  /** Synchronous: what the ring holds after `since`. Used right before joining the live room. */
  fromRing(since: number): LoggedEvent[] {
    if (!this.ring.length || since >= this.ring[this.ring.length - 1].seq) return [];
    const start = Math.max(0, since + 1 - this.ring[0].seq);
    return this.ring.slice(start);
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const rows: EventRow[] = await this.dataSource.query('SELECT seq, type, at, payload FROM event_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
          this.delivered,
          DRAIN_BATCH,
        ]);
        this.markDatabase(true);
        if (rows.length === 0) return;
        const events = rows.map(toEvent);
        this.remember(events);
        this.delivered = events[events.length - 1].seq;
        this.bus.emit('log.applied', events);
        if (rows.length < DRAIN_BATCH) return;
      }
    } catch (error) {
      this.markDatabase(false, error);
    }
  }

  private remember(events: LoggedEvent[]): void {
    this.ring.push(...events);
    if (this.ring.length > RING_SIZE) this.ring.splice(0, this.ring.length - RING_SIZE);
  }

  private async readHead(): Promise<number> {
    const rows: { seq: string }[] = await this.dataSource.query('SELECT seq FROM event_seq WHERE id = 1');
    return Number(rows[0]?.seq ?? 0);
  }

  private markDatabase(up: boolean, error?: unknown): void {
    if (up === this.databaseUp) return;
    this.databaseUp = up;
    this.downSince = up ? null : new Date();
    if (up) this.logger.log('database is back; the live stream resumes');
    else this.logger.warn(`database unavailable, live stream paused: ${String(error)}`);
  }

  /** A dedicated connection for LISTEN; it reconnects by itself and drains after each reconnect. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', () => this.wake());
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.listenClient !== client) return;
      this.listenClient = null;
      this.retryListen();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      // Shut down while connecting: this connection must not outlive the module.
      if (this.stopped) return void (await client.end().catch(() => undefined));
      this.listenClient = client;
      this.wake();
    } catch {
      await client.end().catch(() => undefined);
      this.retryListen();
    }
  }

  private retryListen(): void {
    if (!this.stopped) setTimeout(() => void this.listen(), 1000).unref();
  }
}
