import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type BoardScope,
  BREAKDOWN_KINDS,
  type BreakdownChanges,
  type KpisResponse,
  type FiguresEvent,
  type KpiPeriodInfo,
  type Kpis,
  type KpiUpdatedPayload,
  LEADERBOARD_METRICS,
  type LeaderboardEntity,
  type LeaderboardRow,
  leaderboardChange,
  leaderboardKey,
  leaderboardScopeKey,
  LIVE_PERIODS,
  type LiveEvent,
  type LiveFigureParts,
  type LivePeriod,
  parseScopeKey,
  type Scope,
  WALLBOARD_BOARD_KEY,
} from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { AppEvents } from '../events/app-events.js';
import { LivePublisher } from '../live/live.publisher.js';
import { StagesService } from '../stages/stages.service.js';
import { breakdownsOf, kpisOf } from './kpi-figures.js';
import { describePeriod, resolveRange } from './kpi-query.js';
import { type KpiChange, KpiStore } from './kpi-store.service.js';
import { rankBoards } from './leaderboard-ranking.js';
import { funnelOf, stuckOf } from './pipeline-health.query.js';

/** At most 4 updates a second per scope, however fast the events come. */
const COALESCE_MS = 250;
/** Periods roll over at local midnight; checked this often. */
const DAY_CHECK_MS = 30_000;

interface ScopeRoom {
  timer: NodeJS.Timeout | null;
  lastSentAt: number;
  /**
   * What was last sent, per board (with the seq it went out with) and per period and KPI field
   * or part (as JSON): the base of the next diff. A board's next push is a delta over these rows.
   */
  sentBoards: Map<string, { seq: number; rows: LeaderboardRow[] }>;
  sentKpis: Map<LivePeriod, Map<string, string>>;
  /**
   * The funnel and stuck deals, read from the database. `waiting`: the scope's figures computed
   * meanwhile, sent in one frame with the read's result; null while nothing is to be sent (a baseline).
   */
  database: { running: boolean; again: boolean; based: boolean; waiting: FiguresEvent[] | null };
}

/** The parts of a (scope, period)'s figures read from the database rather than the aggregates. */
type DatabaseParts = Pick<LiveFigureParts, 'funnel'> & Partial<Pick<LiveFigureParts, 'stuck'>>;

/**
 * Streams `leaderboard.updated` and `kpi.updated`. Each applied event marks the scopes it moved;
 * a marked scope is recomputed at most every 250 ms, and only what differs from what that
 * scope's audience was last sent goes out: the boards whose rows changed, the KPI fields and the
 * parts of GET /api/kpis's answer (period, breakdowns, funnel, stuck deals) whose values changed.
 * What one recomputation yields leaves as one `figures` frame per audience, so a screen gets a
 * frame or two per change however many boards and periods it moved.
 * Screens apply these over their first GET and never poll. The organisation's leaderboards go to
 * every caught-up socket (the wallboard needs no subscription); KPIs, and a team's or
 * territory's boards, to the sockets that subscribed to that scope.
 */
@Injectable()
export class KpiLiveService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(KpiLiveService.name);
  private readonly rooms = new Map<string, ScopeRoom>();
  private dayTimer: NodeJS.Timeout | null = null;
  private today = 0;

  constructor(
    bus: AppEvents,
    private readonly store: KpiStore,
    private readonly publisher: LivePublisher,
    private readonly dataSource: DataSource,
    private readonly stages: StagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    bus.on('kpi.changed', (change) => this.changed(change));
    bus.on('live.scopeJoined', (keys) => this.joined(keys));
    publisher.setReplayGreeting(() => this.wallboardGreeting());
  }

  /**
   * The organisation's revenue board of the month, whole, for a socket caught up by replay: the
   * rows this node last pushed when the socket joins, so its next delta applies to them (a change
   * since then is on its way as that delta). Read before the join only when this node has pushed
   * none since it started; taken at the join otherwise, since a push can come while the socket
   * catches up, and rows older than it would not fit the next delta (nor be corrected by one if
   * the floor goes quiet).
   */
  private async wallboardGreeting(): Promise<() => LiveEvent[]> {
    const { metric, period, scope } = { metric: 'revenue', period: 'month', scope: 'all' } as const;
    const sentBoard = () => this.rooms.get(scope)?.sentBoards.get(WALLBOARD_BOARD_KEY);
    let computed: LiveEvent | null = null;
    if (!sentBoard()) {
      const aggregates = await this.store.upToDate();
      const now = new Date();
      const range = resolveRange(this.config, { period: 'month' }, now);
      const rows = rankBoards(aggregates, 'reps', { kind: 'all' }, range, this.store.calendar.today(now)).get('revenue') ?? [];
      computed = { seq: aggregates.seq, type: 'leaderboard.updated', at: now.toISOString(), payload: { metric, period, scope, rows } };
    }
    return () => {
      const sent = sentBoard();
      if (!sent) return computed ? [computed] : [];
      return [{ seq: sent.seq, type: 'leaderboard.updated', at: new Date().toISOString(), payload: { metric, period, scope, rows: sent.rows } }];
    };
  }

  /**
   * A scope nobody listened to has no record of what was sent. Taking it when the first socket
   * joins makes the next update carry only changes; clients subscribe, then fetch the full state.
   */
  private joined(keys: readonly string[]): void {
    for (const key of keys) {
      const room = this.room(key);
      // Only what has no baseline yet: re-taking one would swallow a change still waiting to be
      // sent to the sockets already there. The organisation's boards always have one.
      const boards = key !== 'all' && !key.startsWith('rep:') && room.sentBoards.size === 0;
      const kpis = room.sentKpis.size === 0;
      // Started before the subscribe is answered, so its reads begin before the client's first GET.
      if (!room.database.based) this.sendDatabaseParts(key, null);
      if (!boards && !kpis) continue;
      try {
        this.compute(key, { boards, kpis });
      } catch (error) {
        this.logger.warn(`live KPI baseline for ${key} failed: ${String(error)}`);
      }
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.upToDate();
    this.today = this.store.calendar.today();
    // No baseline for the organisation's boards at start: the first change after a (re)start sends
    // them all, which also brings back clients of a restarted node that missed updates meanwhile.
    this.dayTimer = setInterval(() => this.checkDayChange(), DAY_CHECK_MS);
    this.dayTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.dayTimer) clearInterval(this.dayTimer);
    for (const room of this.rooms.values()) if (room.timer) clearTimeout(room.timer);
  }

  private changed(change: KpiChange): void {
    const keys = change.everything ? new Set(['all', ...this.rooms.keys()]) : change.touched;
    for (const key of keys) this.schedule(key);
  }

  private checkDayChange(): void {
    const today = this.store.calendar.today();
    if (today !== this.today) {
      this.today = today;
      this.changed({ touched: new Set(), everything: true, seq: this.store.current.seq });
      return;
    }
    // Deals become stuck with the clock, not with an event: read the stuck lists again.
    for (const key of this.rooms.keys()) if (this.publisher.hasAudience(key)) this.sendDatabaseParts(key, []);
  }

  private schedule(key: string): void {
    const room = this.room(key);
    if (room.timer) return;
    const wait = Math.max(0, room.lastSentAt + COALESCE_MS - Date.now());
    room.timer = setTimeout(() => {
      room.timer = null;
      room.lastSentAt = Date.now();
      try {
        // The organisation's boards are kept current even with nobody connected, so a new
        // wallboard's first update after its snapshot is a real change, not a catch-up.
        const boards = !key.startsWith('rep:') && (key === 'all' || this.publisher.hasAudience(key));
        const kpis = this.publisher.hasAudience(key);
        const figures = this.compute(key, { boards, kpis });
        this.publisher.publishFigures(figures.everyone);
        // The scope's frame waits for its funnel and stuck deals, so its screens get one frame per change.
        if (kpis) this.sendDatabaseParts(key, figures.scope);
        else this.publisher.publishFigures(figures.scope, key);
      } catch (error) {
        this.logger.warn(`live KPI update for ${key} failed: ${String(error)}`);
      }
    }, wait);
  }

  /**
   * Recomputes one scope's boards and KPIs for the live periods and returns what differs from what
   * was sent before, recorded as sent: the organisation's boards for every caught-up socket, the
   * rest for the scope's room. A caller that only wants a baseline drops the answer.
   */
  private compute(key: string, options: { boards: boolean; kpis: boolean }): { everyone: FiguresEvent[]; scope: FiguresEvent[] } {
    const { boards: wantBoards, kpis: wantKpis } = options;
    const none = { everyone: [], scope: [] };
    if (!wantBoards && !wantKpis) return none;
    const room = this.room(key);
    const scope = parseScopeKey(key);
    if (!scope) return none;
    const aggregates = this.store.current;
    const seq = aggregates.seq;
    const now = new Date();
    const today = this.store.calendar.today(now);
    const boards: { entity: LeaderboardEntity; period: LivePeriod; rows: Map<string, LeaderboardRow[]> }[] = [];
    const at = now.toISOString();
    const kpiEvents: FiguresEvent[] = [];
    for (const period of LIVE_PERIODS) {
      const range = resolveRange(this.config, { period }, now);
      if (wantBoards) {
        const boardScope = scope as BoardScope;
        boards.push({ entity: 'reps', period, rows: rankBoards(aggregates, 'reps', boardScope, range, today) });
        if (key === 'all') boards.push({ entity: 'teams', period, rows: rankBoards(aggregates, 'teams', boardScope, range, today) });
      }
      if (wantKpis && this.publisher.showsPeriod(key, period)) {
        const parts = { period: describePeriod(range), breakdowns: breakdownsOf(aggregates, scope, range) };
        const update = this.kpiUpdate(room, key, period, kpisOf(aggregates, scope, range), parts);
        if (update) kpiEvents.push({ seq, type: 'kpi.updated', at, payload: update });
      }
    }
    // Metric first, then period, in the shared orders: the wallboard's revenue/month comes first.
    const boardEvents: FiguresEvent[] = [];
    for (const metric of LEADERBOARD_METRICS) {
      for (const board of boards) {
        const rows = board.rows.get(metric) ?? [];
        const boardScope = leaderboardScopeKey(board.entity, scope);
        const id = leaderboardKey(metric, board.period, boardScope);
        // A board no screen shows is not sent, and its baseline goes: the screens that show it
        // later load it over REST, rows a delta from an old baseline would not apply to. Its
        // first push after that is whole.
        if (!this.publisher.showsBoard(id)) {
          room.sentBoards.delete(id);
          continue;
        }
        const change = leaderboardChange(room.sentBoards.get(id)?.rows ?? null, rows);
        if (change === null) continue;
        room.sentBoards.set(id, { seq, rows });
        boardEvents.push({ seq, type: 'leaderboard.updated', at, payload: { metric, period: board.period, scope: boardScope, ...change } });
      }
    }
    // Organisation boards go to everyone; a team's or territory's to its subscribers, with its
    // KPIs in the same frame; a rep has no boards.
    return key === 'all' ? { everyone: boardEvents, scope: kpiEvents } : { everyone: [], scope: [...boardEvents, ...kpiEvents] };
  }

  /** What of one period's KPIs and parts differs from what the room was last sent, recorded as sent; null if nothing. */
  private kpiUpdate(room: ScopeRoom, key: string, period: LivePeriod, kpis: Partial<Kpis>, parts: Partial<LiveFigureParts>): KpiUpdatedPayload | null {
    const { breakdowns, ...wholeParts } = parts;
    const changed = this.differences(room, period, kpis, '');
    const changedParts: Partial<LiveFigureParts> = this.differences(room, period, wholeParts, 'part.');
    const rows = breakdowns ? this.breakdownDifferences(room, period, breakdowns) : null;
    if (rows === 'whole') changedParts.breakdowns = breakdowns;
    if (Object.keys(changed).length === 0 && Object.keys(changedParts).length === 0 && rows === null) return null;
    const payload: KpiUpdatedPayload = { period, scope: key, changed };
    if (Object.keys(changedParts).length > 0) payload.parts = changedParts;
    if (rows !== null && rows !== 'whole') payload.breakdownChanges = rows;
    return payload;
  }

  /**
   * The breakdown's changes since last sent: `whole` when its rows (which entities, their names,
   * their order) differ, else each row's changed KPI fields, or null for none. Either way what is
   * returned is recorded as sent, field by field.
   */
  private breakdownDifferences(room: ScopeRoom, period: LivePeriod, breakdowns: KpisResponse['breakdowns']): BreakdownChanges | 'whole' | null {
    const rows = JSON.stringify(BREAKDOWN_KINDS.map((kind) => breakdowns[kind].map((row) => [row.id, row.name])));
    const sent = this.sentOf(room, period);
    const sameRows = sent.get('breakdowns.rows') === rows;
    sent.set('breakdowns.rows', rows);
    const changes: BreakdownChanges = {};
    let any = false;
    for (const kind of BREAKDOWN_KINDS) {
      for (const row of breakdowns[kind]) {
        const changed = this.differences(room, period, row.kpis, `breakdowns.${kind}.${row.id}.`);
        if (Object.keys(changed).length === 0) continue;
        (changes[kind] ??= []).push({ id: row.id, changed });
        any = true;
      }
    }
    if (!sameRows) return 'whole';
    return any ? changes : null;
  }

  private sentOf(room: ScopeRoom, period: LivePeriod): Map<string, string> {
    let sent = room.sentKpis.get(period);
    if (!sent) {
      sent = new Map();
      room.sentKpis.set(period, sent);
    }
    return sent;
  }

  /**
   * The fields of `values` whose JSON differs from what this room was last sent for the period;
   * records them as sent. The period's elapsed share moves with the clock, not with events:
   * screens work it out themselves (elapsedShareAt), so it alone never makes the period news.
   */
  private differences<T extends object>(room: ScopeRoom, period: LivePeriod, values: T, prefix: string): Partial<T> {
    const sent = this.sentOf(room, period);
    const changed: Partial<T> = {};
    for (const [field, value] of Object.entries(values) as [keyof T & string, T[keyof T & string]][]) {
      const json = JSON.stringify(prefix + field === 'part.period' ? { ...(value as KpiPeriodInfo), elapsedShare: undefined } : value);
      if (sent.get(prefix + field) === json) continue;
      sent.set(prefix + field, json);
      changed[field] = value;
    }
    return changed;
  }

  /**
   * The funnel of each live period and the stuck deals, read from the database (stage history and
   * the clock, not additive totals), sent as `kpi.updated` parts where they changed, in one frame
   * with `leading` (the scope's figures just computed). One read per scope at a time: changes
   * meanwhile ask for one more. With `leading` null (a socket joined a scope that has none) it
   * only records the baseline.
   */
  private sendDatabaseParts(key: string, leading: FiguresEvent[] | null): void {
    const room = this.room(key);
    const scope = parseScopeKey(key);
    if (!scope) return;
    if (leading) room.database.waiting = [...(room.database.waiting ?? []), ...leading];
    if (room.database.running) {
      room.database.again = true;
      return;
    }
    room.database.running = true;
    // A scope's first read only takes the baseline: its parts are what the subscriber fetches over
    // REST, not news. A change queued while it runs (`waiting`) still goes, with the next read's diff.
    const baseline = !room.database.based;
    const sendWaiting = (events: FiguresEvent[]) => {
      const waiting = room.database.waiting;
      room.database.waiting = null;
      if (waiting) this.publisher.publishFigures([...waiting, ...events], key);
    };
    void this.readDatabaseParts(key, scope)
      .then(({ seq, parts }) => {
        const at = new Date().toISOString();
        const events: FiguresEvent[] = [];
        for (const [period, values] of parts) {
          const update = this.kpiUpdate(room, key, period, {}, values);
          if (update) events.push({ seq, type: 'kpi.updated', at, payload: update });
        }
        room.database.based = true;
        if (baseline && room.database.waiting) {
          room.database.again = true;
          return;
        }
        sendWaiting(events);
      })
      .catch((error: unknown) => {
        this.logger.warn(`live funnel and stuck deals for ${key} failed: ${String(error)}`);
        sendWaiting([]);
      })
      .finally(() => {
        room.database.running = false;
        if (room.database.again) {
          room.database.again = false;
          this.sendDatabaseParts(key, []);
        }
      });
  }

  /** Read for the live periods some socket of the scope shows; nothing when none does. */
  private async readDatabaseParts(key: string, scope: Scope): Promise<{ seq: number; parts: Map<LivePeriod, DatabaseParts> }> {
    // The seq read before the queries: what they return is at least that recent.
    const seq = this.store.current.seq;
    const periods = LIVE_PERIODS.filter((period) => this.publisher.showsPeriod(key, period));
    if (periods.length === 0) return { seq, parts: new Map() };
    const now = new Date();
    const stages = this.stages.list();
    const manager = this.dataSource.manager;
    const [stuck, ...funnels] = await Promise.all([
      stuckOf(manager, scope, now, stages),
      ...periods.map((period) => funnelOf(manager, scope, resolveRange(this.config, { period }, now), stages)),
    ]);
    // Stuck deals are the scope's, not a period's: they travel with the first period shown only, and
    // screens give them to every period of the scope they hold (applyKpiUpdate's callers).
    return { seq, parts: new Map(periods.map((period, index) => [period, index === 0 ? { funnel: funnels[index], stuck } : { funnel: funnels[index] }])) };
  }

  private room(key: string): ScopeRoom {
    let room = this.rooms.get(key);
    if (!room) {
      room = {
        timer: null,
        lastSentAt: 0,
        sentBoards: new Map(),
        sentKpis: new Map(),
        database: { running: false, again: false, based: false, waiting: null },
      };
      this.rooms.set(key, room);
    }
    return room;
  }
}
