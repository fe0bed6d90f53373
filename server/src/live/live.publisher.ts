import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import {
  type ClientToServerEvents,
  type DerivedEventPayloads,
  type DerivedEventType,
  type FiguresEvent,
  type HeadMessage,
  LIVE_PERIODS,
  type LiveEvent,
  type LoggedEvent,
  type ResyncResult,
  scopeKey,
  scopesOfQuery,
  type ServerToClientEvents,
  type SubscribeInput,
  WALLBOARD_BOARD_KEY,
} from '@salesboard/shared';
import { type Principal, seesEveryDeal } from '../auth/principal.js';
import { AppEvents, type RevokedPrincipal } from '../events/app-events.js';
import { EventAudience, hidden, viewerRoomsFor, viewerRoomsOf } from './event-audience.js';
import { EventStreamService } from './event-stream.service.js';
import { SNAPSHOT_SOURCE, type SnapshotSource } from './snapshot-source.js';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Sockets join this room once they are caught up; broadcasts go only there. */
const CAUGHT_UP_ROOM = 'live';
/**
 * Caught-up sockets whose credential reads every logged event in full (admins, displays,
 * integrations), and the others (reps, managers), who also sit in viewer rooms of their own.
 */
const FULL_ROOM = 'live:full';
const RESTRICTED_ROOM = 'live:restricted';
/** Rooms of subscribed scopes (`scope:team:<id>`), also joined only once caught up. */
const SCOPE_ROOM_PREFIX = 'scope:';

function scopeRoom(scopeKey: string): string {
  return `${SCOPE_ROOM_PREFIX}${scopeKey}`;
}
/** Rooms of the live periods sockets show per scope (`period:team:<id>|month`): they count holders too. */
const PERIOD_ROOM_PREFIX = 'period:';
function periodRoom(scopeKey: string, period: string): string {
  return `${PERIOD_ROOM_PREFIX}${scopeKey}|${period}`;
}
/** Rooms of the live boards sockets show (`board:revenue|month|all`): nobody sends to them, they count holders. */
const BOARD_ROOM_PREFIX = 'board:';
function boardRoom(boardKey: string): string {
  return `${BOARD_ROOM_PREFIX}${boardKey}`;
}
/** Caught-up sockets by the role of their credential (`role:admin`), for events meant for one role. */
function roleRoom(role: Principal['role']): string {
  return `role:${role}`;
}
const HEAD_INTERVAL_MS = 5_000;
/**
 * Logged events leave at most one frame per this window: the first after a quiet window at
 * once, those that follow it within the window together, as one `events` frame, when it ends.
 * A screen's cost grows with frames, not with the events in them; a lone change waits for nothing.
 */
export const COALESCE_WINDOW_MS = 50;

/**
 * Reads what a greeting needs, then answers with a function called at the moment the socket joins
 * its rooms, synchronously: its events are what those rooms were last sent, so the next push
 * applies to them whatever was pushed while the socket was catching up. A socket caught up by
 * replay gets them as events; one given a snapshot gets the wallboard's board in it, with its seq
 * (so the answer always holds that board: a snapshot given a greeting does not rank it itself).
 */
export type ReplayGreeting = () => Promise<() => LiveEvent[]>;

/**
 * The one place that talks to socket.io. Services never emit themselves: logged events reach
 * clients through the event stream, derived ones through `publishDerived`.
 */
@Injectable()
export class LivePublisher {
  private readonly logger = new Logger(LivePublisher.name);
  private namespace: LiveNamespace | null = null;
  private replayGreeting: ReplayGreeting | null = null;
  private headTimer: NodeJS.Timeout | null = null;
  /** When this node last broadcast a logged event (epoch ms). */
  private lastBroadcastAt = 0;
  private lastHeadStaleSince: string | undefined = undefined;
  /** Logged events waiting for the end of the window, in seq order. */
  private queued: LoggedEvent[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  /** When logged events last left (epoch ms): the window runs from there. */
  private lastFlushAt = 0;

  constructor(
    private readonly stream: EventStreamService,
    @Inject(SNAPSHOT_SOURCE) private readonly snapshots: SnapshotSource,
    private readonly audience: EventAudience,
    private readonly bus: AppEvents,
  ) {
    bus.on('log.applied', (events) => this.broadcast(events));
    bus.on('principal.revoked', ({ kind, id }) => this.disconnectPrincipal(kind, id));
    bus.on('display.scopesChanged', (scopes) => this.dropDisplaysOutside(scopes));
  }

  attach(namespace: LiveNamespace): void {
    this.namespace = namespace;
    // A socket that misses an event sees the gap at the next one; `head` is for a quiet stream,
    // where nothing else would tell it. While events flow it would cost a frame per screen for nothing.
    // A change of `staleSince` always goes out: screens show it.
    this.headTimer = setInterval(() => {
      this.flush(); // a head ahead of what a socket was sent would look like a gap
      const head = this.headMessage();
      const quiet = Date.now() - this.lastBroadcastAt >= HEAD_INTERVAL_MS;
      if (quiet || head.staleSince !== this.lastHeadStaleSince) this.room()?.emit('head', head);
      this.lastHeadStaleSince = head.staleSince;
    }, HEAD_INTERVAL_MS);
    this.headTimer.unref();
  }

  detach(): void {
    if (this.headTimer) clearInterval(this.headTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.queued = [];
    this.namespace = null;
  }

  connectedCount(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  /** Sockets on this node by the role of their credential. */
  connectedByRole(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const socket of this.namespace?.sockets.values() ?? []) {
      const role = (socket.data.role as string | undefined) ?? 'anonymous';
      counts[role] = (counts[role] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * Derived events a socket caught up by replay should get as well: the replayed log moves the
   * pipeline, but the boards it changed were broadcast while the socket was away. A snapshot takes
   * its wallboard board from here too: the rows its room was last sent, which the next push's delta
   * is made from (the board as of now can be ahead of them while a push is still on its way).
   */
  setReplayGreeting(greeting: ReplayGreeting): void {
    this.replayGreeting = greeting;
  }

  private caughtUp(mode: 'replay' | 'snapshot'): void {
    this.bus.emit('live.caughtUp', mode);
  }

  /**
   * Sends a derived event to every caught-up socket, or with `audience` (a scope key such as
   * `team:<id>`, or `all`) only to the sockets that subscribed to that scope. `seq` is the seq
   * the numbers reflect, when the publisher knows it better than the stream head.
   */
  publishDerived<T extends DerivedEventType>(
    type: T,
    payload: DerivedEventPayloads[T],
    target: { audience?: string; role?: Principal['role']; seq?: number } = {},
  ): void {
    const event = { seq: target.seq ?? this.stream.head(), type, at: new Date().toISOString(), payload } as LiveEvent;
    this.flush();
    // Events for a role come from one node (an import runs where it was posted), so they go to
    // the whole cluster; aggregates are derived on every node, so each tells only its own sockets.
    if (target.role !== undefined) this.namespace?.to(roleRoom(target.role)).emit('event', event);
    else this.namespace?.local.to(target.audience !== undefined ? scopeRoom(target.audience) : CAUGHT_UP_ROOM).emit('event', event);
  }

  /**
   * Sends derived events computed together as one `figures` frame, to the sockets of one scope
   * (`audience`) or, without it, to every caught-up socket of this node (as publishDerived).
   */
  publishFigures(events: readonly FiguresEvent[], audience?: string): void {
    if (events.length === 0) return;
    this.flush();
    this.namespace?.local.to(audience !== undefined ? scopeRoom(audience) : CAUGHT_UP_ROOM).emit('figures', [...events]);
  }

  /** Whether anyone would receive a derived event for this audience: no listener, no need to compute it. */
  hasAudience(audience?: string): boolean {
    const rooms = this.namespace?.adapter.rooms;
    return (rooms?.get(audience === undefined ? CAUGHT_UP_ROOM : scopeRoom(audience))?.size ?? 0) > 0;
  }

  /**
   * `subscribe`: remembers the socket's scopes and, once it is caught up, puts it in their rooms.
   * The producers take their baseline now, before the ack: a client that loads its first figures
   * after the ack then has them at least as recent as the baseline the next diff is made against.
   */
  subscribe(socket: LiveSocket, scope: SubscribeInput): void {
    socket.data.scope = scope;
    if (socket.rooms.has(CAUGHT_UP_ROOM)) this.joinScopeRooms(socket);
    else this.bus.emit('live.scopeJoined', scopesOfQuery(scope).map(scopeKey));
  }

  /**
   * `{}` is the whole organisation; each id given adds that team's, territory's or rep's room.
   * Each board asked for joins a board room, if it is the organisation's or one of those scopes'
   * (whose access `subscribe` checked): the rooms only say which boards anyone shows, so only
   * those are sent.
   */
  private joinScopeRooms(socket: LiveSocket): void {
    const scope = socket.data.scope as SubscribeInput | undefined;
    for (const room of socket.rooms)
      if (room.startsWith(SCOPE_ROOM_PREFIX) || room.startsWith(BOARD_ROOM_PREFIX) || room.startsWith(PERIOD_ROOM_PREFIX)) void socket.leave(room);
    if (!scope) return;
    const joined = scopesOfQuery(scope).map(scopeKey);
    for (const key of joined) {
      void socket.join(scopeRoom(key));
      for (const period of scope.periods ?? LIVE_PERIODS) void socket.join(periodRoom(key, period));
    }
    for (const board of scope.boards ?? []) {
      const boardScope = board.slice(board.lastIndexOf('|') + 1);
      if (boardScope === 'all' || boardScope === 'teams' || joined.includes(boardScope)) void socket.join(boardRoom(board));
    }
    this.bus.emit('live.scopeJoined', joined);
  }

  /** Whether a socket of this node shows this scope's KPIs of this live period. */
  showsPeriod(scopeKey: string, period: string): boolean {
    return (this.namespace?.adapter.rooms.get(periodRoom(scopeKey, period))?.size ?? 0) > 0;
  }

  /** Whether a socket of this node shows this live board (`leaderboardKey`); the wallboard's always counts. */
  showsBoard(key: string): boolean {
    return key === WALLBOARD_BOARD_KEY || (this.namespace?.adapter.rooms.get(boardRoom(key))?.size ?? 0) > 0;
  }

  /**
   * Brings a new socket up to date, then lets it into the broadcast room. Everything after the
   * last await is synchronous, so no broadcast can slip between catching up and joining.
   */
  async catchUp(socket: LiveSocket, since: number | undefined): Promise<void> {
    const principal = socket.data.principal as Principal;
    // Derived views (the wallboard's leaderboard) that a replay of the log does not rebuild: read
    // now, answered at the join below, so a push made while this awaits is in what the socket gets.
    const greeting = !this.replayGreeting ? null : await this.replayGreeting().catch(() => null);
    let replay = since === undefined ? null : await this.stream.eventsSince(since);
    /** The last seq the socket has, from its own `since` or the snapshot sent it. */
    let has = since ?? 0;
    // A snapshot carries the greeting's board itself; only a replay needs it sent as events.
    const bySnapshot = replay === null;
    if (replay === null) {
      // The board its room was last sent, at the seq it was sent at (behind the snapshot's while a
      // push is on its way, which then reaches this socket too): the next delta fits it. Taken from
      // the greeting at the emit below; the snapshot ranks the board itself only without one.
      const snapshot = await this.snapshots.build(principal, { leaderboard: !greeting });
      if (socket.disconnected) return;
      const [board] = greeting?.() ?? [];
      const sent = board?.type === 'leaderboard.updated' && 'rows' in board.payload ? { leaderboard: board.payload.rows, leaderboardSeq: board.seq } : {};
      socket.emit('snapshot', { ...snapshot, ...sent });
      this.caughtUp('snapshot');
      has = snapshot.seq;
      replay = this.stream.fromRing(snapshot.seq);
    } else if (replay.length) {
      this.caughtUp('replay');
      replay = replay.concat(this.stream.fromRing(replay[replay.length - 1].seq));
    } else if (since !== undefined) {
      replay = this.stream.fromRing(since);
    }
    if (socket.disconnected) return;
    // The window's frame would bring the socket events it has already: send it now, to the rooms
    // the socket is not in yet; the ring (read above, nothing awaited since) holds the rest for the replay.
    if (this.queued.length > 0 && this.queued[0].seq <= has) this.flush();
    // Events still waiting for the window's end reach the socket with that frame, once it has
    // joined below: replayed now as well, they would come twice.
    const waiting = this.queued.length > 0 ? this.queued[0].seq : Infinity;
    for (const event of replay) if (event.seq < waiting) socket.emit('event', this.audience.forPrincipal(principal, event));
    if (!bySnapshot && greeting) for (const event of greeting()) socket.emit('event', event);
    const visibility = seesEveryDeal(principal) ? [FULL_ROOM] : [RESTRICTED_ROOM, ...viewerRoomsFor(principal)];
    void socket.join([CAUGHT_UP_ROOM, roleRoom(principal.role), ...visibility]);
    this.joinScopeRooms(socket);
    socket.emit('head', this.headMessage(Math.min(this.stream.head(), waiting - 1)));
  }

  /** The head a socket is told: by default the stream's; to a socket caught up while events wait, the last one sent. */
  private headMessage(seq = this.stream.head()): HeadMessage {
    const staleSince = this.stream.staleSince();
    return staleSince ? { seq, staleSince: staleSince.toISOString() } : { seq };
  }

  /** Answers `resync`: the missed events when they are few, else a snapshot. */
  async resync(principal: Principal, since: number): Promise<ResyncResult> {
    const events = await this.stream.eventsSince(since);
    if (events === null) {
      this.caughtUp('snapshot');
      return { ok: true, mode: 'snapshot', snapshot: await this.snapshots.build(principal) };
    }
    this.caughtUp('replay');
    return { ok: true, mode: 'replay', events: events.map((event) => this.audience.forPrincipal(principal, event)), head: this.stream.head() };
  }

  /** Logged events leave now when the window since the last frame is over, else at its end. */
  private broadcast(events: readonly LoggedEvent[]): void {
    if (!this.namespace) return;
    this.lastBroadcastAt = Date.now();
    for (const event of events) this.queued.push(event);
    if (this.flushTimer) return;
    const wait = this.lastFlushAt + COALESCE_WINDOW_MS - this.lastBroadcastAt;
    if (wait <= 0) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /**
   * Sends the waiting events. Sockets that read every event in full get them as one frame (one
   * encoding for all of them); restricted ones (reps, managers) get each event whole where they
   * may read it and as `event.hidden` elsewhere: two encodings an event at most, never one per
   * socket, and few such sockets.
   */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const events = this.queued;
    const namespace = this.namespace;
    if (events.length === 0 || !namespace) return;
    this.queued = [];
    this.lastFlushAt = Date.now();
    const local = namespace.local;
    if (events.length === 1) local.to(FULL_ROOM).emit('event', events[0]);
    else local.to(FULL_ROOM).emit('events', events);
    if ((namespace.adapter.rooms.get(RESTRICTED_ROOM)?.size ?? 0) === 0) return;
    for (const event of events) {
      const audience = this.audience.audienceOf(event);
      if (audience === null) {
        local.to(RESTRICTED_ROOM).emit('event', event);
        continue;
      }
      const viewers = viewerRoomsOf(audience);
      // No rooms at all would mean every socket of the namespace.
      if (viewers.length > 0) local.to(viewers).emit('event', event);
      local.to(RESTRICTED_ROOM).except(viewers).emit('event', hidden(event));
    }
  }

  /**
   * This node's caught-up sockets only: every node follows the log and delivers each event to
   * its own clients, so with the Redis adapter a cluster-wide broadcast would deliver it twice.
   */
  private room() {
    return this.namespace?.local.to(CAUGHT_UP_ROOM) ?? null;
  }

  /**
   * A TV reads what its scope allowed when its socket connected; one whose scope is now another
   * (or that has none left) is dropped, so it reconnects at once with the new scope.
   */
  private dropDisplaysOutside(scopes: ReadonlyMap<string, string>): void {
    const dropped = this.dropLocalSockets(
      (principal) => principal.kind === 'display' && scopes.get(principal.id) !== JSON.stringify(principal.boardScope ?? { kind: 'all' }),
    );
    if (dropped > 0) this.logger.log(`${dropped} TV(s) reconnect: they now read another part of the organisation`);
  }

  /**
   * Closes, at the transport, this node's sockets whose credential matches: their clients
   * reconnect by themselves and are authenticated anew. Returns how many.
   */
  private dropLocalSockets(matches: (principal: Principal) => boolean): number {
    let dropped = 0;
    for (const socket of this.namespace?.sockets.values() ?? []) {
      const principal = socket.data.principal as Principal | undefined;
      if (principal && matches(principal)) {
        // The engine connection, not socket.disconnect(): that would tell the client to stay away.
        socket.conn.close();
        dropped++;
      }
    }
    return dropped;
  }

  /** Drops every socket of one credential (a revoked display), on whichever node holds it. */
  private disconnectPrincipal(kind: RevokedPrincipal['kind'], id: string): void {
    this.namespace?.in(`${kind}:${id}`).disconnectSockets(true);
  }

  /**
   * Closes every client's connection at the transport level, so socket.io clients reconnect by
   * themselves (to another node behind the load balancer); a server-side `disconnect` would
   * tell them to stay away.
   */
  dropConnectionsForShutdown(): void {
    const engine = this.namespace?.server.engine;
    if (!engine) return;
    this.logger.log(`closing ${engine.clientsCount} connections so clients reconnect elsewhere`);
    engine.close();
  }
}
