import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KpiCheckResult, LoggedEvent, LoggedEventType } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { AppEvents, type KpiChange } from '../events/app-events.js';
import { AggregateLoader } from './aggregate-loader.js';
import type { KpiAggregates } from './kpi-aggregates.js';
import { isoDateOf, LocalCalendar } from './local-calendar.js';

const LOG_BATCH = 2_000;
/** Further behind than this, reading the whole state again is cheaper than replaying the log. */
const REPLAY_OR_REBUILD = 50_000;
/** How often the store looks whether a new local day has begun on which some exchange rate starts. */
const DAY_WATCH_MS = 60_000;

export type { KpiChange } from '../events/app-events.js';

interface LogRow {
  seq: string;
  type: LoggedEventType;
  at: Date;
  payload: LoggedEvent['payload'];
}

/**
 * Owns the live aggregates: builds them from the database at start, then applies logged events
 * strictly in seq order, one at a time (a queue, since a few events need a database read).
 * Events arrive from the node's event stream; any gap, and any read that must include the
 * caller's own writes, is filled from the event log itself.
 */
@Injectable()
export class KpiStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KpiStore.name);
  readonly calendar: LocalCalendar;
  private aggregates: KpiAggregates | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** The local day the open deals were last converted on (they convert at today's rate). */
  private ratesDay = '';
  private readonly dayWatch: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly loader: AggregateLoader,
    private readonly bus: AppEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.calendar = new LocalCalendar(config.timeZone);
    bus.on('log.applied', (events) => this.receive(events));
    this.dayWatch = setInterval(() => this.watchDay(), DAY_WATCH_MS).unref();
  }

  async onModuleInit(): Promise<void> {
    await this.serially(() => this.rebuild());
  }

  /**
   * Lets a rebuild or log read that is under way finish before the database pool closes: a
   * connection still checked out when the pool ends has nobody to hear its errors.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.dayWatch);
    this.stopped = true;
    await this.queue;
  }

  /** The aggregates as of now; read them synchronously, they change between awaits. */
  get current(): KpiAggregates {
    if (!this.aggregates) throw new Error('the KPI aggregates are not built yet');
    return this.aggregates;
  }

  /** Events from the stream; duplicates and events already read from the log are skipped by seq. */
  receive(events: readonly LoggedEvent[]): void {
    void this.serially(async () => {
      for (const event of events) await this.applyNext(this.current, event);
    }).catch((error: unknown) => this.recover(error));
  }

  /** Applies everything committed so far, then answers: a read after a write sees the write. */
  async upToDate(): Promise<KpiAggregates> {
    await this.serially(() => this.readLog(this.current));
    return this.current;
  }

  /**
   * Rebuilds a second set of aggregates from the database, brings it to the live seq through
   * the same log, and lists every difference: the incremental path against a from-scratch one.
   */
  async check(): Promise<KpiCheckResult> {
    const started = Date.now();
    const rebuilt = await this.loader.load(this.calendar);
    return this.serially(async () => {
      const live = this.current;
      await this.readLog(live);
      await this.readLog(rebuilt, live.seq);
      const differences = live.differences(rebuilt);
      return {
        ok: differences.length === 0,
        seq: live.seq,
        checkedAt: new Date().toISOString(),
        deals: live.dealCount,
        differences,
        tookMs: Date.now() - started,
      };
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('the KPI store is shutting down'));
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Open deals are in the organisation's currency at today's rate: on the first day a new rate
   * is in effect, their value changes without any event, so the aggregates are built again.
   */
  private watchDay(): void {
    const today = isoDateOf(this.calendar.dayOf(Date.now()));
    if (!this.aggregates || today === this.ratesDay) return;
    this.ratesDay = today;
    if (!this.aggregates.rates.startsOn(today)) return;
    void this.serially(() => this.rebuild()).catch((error: unknown) => this.recover(error));
  }

  private async rebuild(): Promise<void> {
    const started = Date.now();
    this.ratesDay = isoDateOf(this.calendar.dayOf(started));
    this.aggregates = await this.loader.load(this.calendar);
    this.logger.log(`KPI aggregates built from ${this.aggregates.dealCount} deals at seq ${this.aggregates.seq} in ${Date.now() - started} ms`);
    this.notify({ touched: new Set(), everything: true, seq: this.aggregates.seq });
  }

  private async applyNext(aggregates: KpiAggregates, event: LoggedEvent): Promise<void> {
    if (event.seq <= aggregates.seq) return;
    if (event.seq > aggregates.seq + 1) await this.readLog(aggregates, event.seq - 1);
    if (event.seq !== aggregates.seq + 1) return; // the log read got past it, or a rebuild did
    await this.applyOne(aggregates, event);
  }

  /** Reads and applies the log after the aggregates' seq, up to `until` or the end. */
  private async readLog(aggregates: KpiAggregates, until = Number.MAX_SAFE_INTEGER): Promise<void> {
    const [{ seq: head }]: { seq: string }[] = await this.dataSource.query('SELECT seq FROM event_seq WHERE id = 1');
    const last = Math.min(until, Number(head));
    if (aggregates === this.aggregates && last - aggregates.seq > REPLAY_OR_REBUILD) return this.rebuild();
    while (aggregates.seq < last) {
      const rows: LogRow[] = await this.dataSource.query('SELECT seq, type, at, payload FROM event_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3', [
        aggregates.seq,
        last,
        LOG_BATCH,
      ]);
      if (rows.length === 0) return;
      for (const row of rows) {
        await this.applyOne(aggregates, { seq: Number(row.seq), type: row.type, at: row.at.toISOString(), payload: row.payload } as LoggedEvent);
      }
    }
  }

  private async applyOne(aggregates: KpiAggregates, event: LoggedEvent): Promise<void> {
    let touched: Set<string>;
    if (event.type === 'deals.imported' || (event.type === 'org.changed' && (event.payload.entity === 'stage' || event.payload.entity === 'exchangeRate'))) {
      // An import writes its rows without events: what they changed is only in the tables. A
      // stage's probability, forecast category, kind or order, and an exchange rate, are part of
      // many deals' contributions: rebuilding is simpler than re-filing each deal, and such edits are rare.
      if (aggregates === this.aggregates) return this.rebuild();
      touched = new Set();
    } else if (event.type === 'org.changed' && event.payload.entity === 'rep') {
      const rep = await this.loader.rep(event.payload.id, this.calendar);
      const result = rep ? aggregates.upsertRep(rep) : { touched: new Set<string>(), needsRebuild: false };
      if (result.needsRebuild && aggregates === this.aggregates) return this.rebuild();
      touched = result.touched;
    } else if (event.type === 'org.changed' && event.payload.entity === 'product') {
      const marginBp = await this.loader.productMarginBp(event.payload.id);
      if (marginBp !== undefined) aggregates.upsertProduct(event.payload.id, marginBp);
      touched = new Set();
    } else {
      touched = aggregates.apply(event);
    }
    aggregates.seq = event.seq;
    if (aggregates === this.aggregates && touched.size > 0) this.notify({ touched, everything: false, seq: event.seq });
  }

  private notify(change: KpiChange): void {
    this.bus.emit('kpi.changed', change);
  }

  /** An event the aggregates could not take means they can no longer be trusted: build them again. */
  private recover(error: unknown): void {
    if (this.stopped) return;
    this.logger.error(`KPI aggregates failed to apply an event, rebuilding: ${error instanceof Error ? error.stack : String(error)}`);
    void this.serially(() => this.rebuild()).catch((again: unknown) => this.logger.error(`KPI rebuild failed: ${String(again)}`));
  }
}
