import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { LoggedEvent, LoggedEventType } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { AppEvents } from '../events/app-events.js';
import { EVENTS_CHANNEL } from '../events/event-writer.service.js';
import { CommitOrder, type LogGap } from './commit-order.js';

/** How many recent events each node keeps in memory for replay without a query. */
const RING_SIZE = 10_000;
/** How far the ring may grow past RING_SIZE before it is cut back (see remember). */
const RING_TRIM = 1_000;
/** A client further behind than this gets a fresh snapshot instead of a replay. */
export const REPLAY_LIMIT = 5_000;
const DRAIN_BATCH = 1_000;
/** The poll of the counter covers a notification lost while LISTEN reconnects. */
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
 * Announces each event of the log once, in seq order, as `log.applied` on the bus (to the
 * socket broadcaster, the aggregates). Events this node commits are told from memory as their
 * writes end (CommitOrder puts them back in seq order); the log is read only for seqs other
 * nodes committed, which PostgreSQL's NOTIFY and a slow poll of the counter make known.
 */
@Injectable()
export class EventStreamService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamService.name);
  private readonly ring: LoggedEvent[] = [];
  /** Null until bootstrap reads where the log stands; writes before that were never this stream's to tell. */
  private order: CommitOrder | null = null;
  private reading: Promise<void> | null = null;
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
    bus.on('log.writing', (write) => this.order?.writing(write));
    bus.on('log.committed', ({ write, events }) => {
      if (this.order) this.deliver(this.order.committed(write, events));
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.order = new CommitOrder(await this.readHead());
    await this.listen();
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
    this.pollTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.reading;
    await this.listenClient?.end().catch(() => undefined);
  }

  /** The last seq this node has delivered to its listeners. */
  head(): number {
    return this.order?.head ?? 0;
  }

  isDatabaseUp(): boolean {
    return this.databaseUp;
  }

  staleSince(): Date | null {
    return this.downSince;
  }

  /**
   * The events after `since` up to what this node has delivered, in order; null when `since`
   * is so far behind that a snapshot is cheaper. Served from memory when the ring holds them.
   */
  async eventsSince(since: number): Promise<LoggedEvent[] | null> {
    const delivered = this.head();
    if (since >= delivered) return [];
    if (delivered - since > REPLAY_LIMIT) return null;
    const oldest = this.ring.length ? this.ring[0].seq : Infinity;
    if (since + 1 >= oldest) return this.fromRing(since);
    const rows: EventRow[] = await this.dataSource.query('SELECT seq, type, at, payload FROM event_log WHERE seq > $1 AND seq <= $2 ORDER BY seq', [
      since,
      delivered,
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

  /** Tells events in order, at once, then looks for a gap only the log can fill. */
  private deliver(events: LoggedEvent[]): void {
    if (events.length > 0) {
      this.remember(events);
      this.bus.emit('log.applied', events);
    }
    this.fillGap();
  }

  /** Reads the log for a gap no local write can fill any more; one read at a time, the next after it. */
  private fillGap(): void {
    if (this.stopped || this.reading || !this.order) return;
    const gap = this.order.gap();
    if (!gap) return;
    this.reading = this.readLog(this.order, gap).finally(() => {
      this.reading = null;
      this.fillGap();
    });
  }

  private async readLog(order: CommitOrder, gap: LogGap): Promise<void> {
    try {
      const rows: EventRow[] = await this.dataSource.query('SELECT seq, type, at, payload FROM event_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3', [
        gap.after,
        gap.upTo,
        DRAIN_BATCH,
      ]);
      this.markDatabase(true);
      // Seqs are taken gap-free under a lock: committed ones missing from the log will never come.
      if (rows.length === 0) this.logger.warn(`the event log holds no seq in (${gap.after}, ${gap.upTo}]; skipping them`);
      const ready = rows.length === 0 ? order.skipTo(gap.upTo) : order.read(rows.map(toEvent));
      if (ready.length > 0) {
        this.remember(ready);
        this.bus.emit('log.applied', ready);
      }
    } catch (error) {
      this.markDatabase(false, error);
    }
  }

  /** The counter says how far every node has committed: covers a notification lost while LISTEN reconnects. */
  private async poll(): Promise<void> {
    if (this.stopped || !this.order) return;
    try {
      this.order.committedUpTo(await this.readHead());
      this.markDatabase(true);
    } catch (error) {
      this.markDatabase(false, error);
    }
    this.fillGap();
  }

  /**
   * Keeps at least the last RING_SIZE events. Trimmed a thousand at a time: trimming to the size
   * on every delivery moved the whole ring each time (2% of the server's time at 1,000 writes/s).
   */
  private remember(events: LoggedEvent[]): void {
    this.ring.push(...events);
    if (this.ring.length >= RING_SIZE + RING_TRIM) this.ring.splice(0, this.ring.length - RING_SIZE);
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

  /** A dedicated connection for LISTEN; it reconnects by itself and reads the counter after each reconnect. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => this.notified(message.payload));
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
      void this.poll();
    } catch {
      await client.end().catch(() => undefined);
      this.retryListen();
    }
  }

  /** Every writer notifies the last seq it committed; anything else, the counter is read instead. */
  private notified(payload: string | undefined): void {
    const seq = Number(payload);
    if (!Number.isSafeInteger(seq) || !this.order) return void this.poll();
    this.order.committedUpTo(seq);
    this.fillGap();
  }

  private retryListen(): void {
    if (!this.stopped) setTimeout(() => void this.listen(), 1000).unref();
  }
}
