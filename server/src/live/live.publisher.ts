import { Injectable, Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  DerivedEventPayloads,
  DerivedEventType,
  HeadMessage,
  LiveEvent,
  LoggedEvent,
  ResyncResult,
  ServerToClientEvents,
} from '@salesboard/shared';
import { EventStreamService } from './event-stream.service.js';
import { SnapshotService } from './snapshot.service.js';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Sockets join this room once they are caught up; broadcasts go only there. */
const CAUGHT_UP_ROOM = 'live';
const HEAD_INTERVAL_MS = 5_000;

/**
 * The one place that talks to socket.io. Services never emit themselves: logged events reach
 * clients through the event stream, derived ones through `publishDerived`.
 */
@Injectable()
export class LivePublisher {
  private readonly logger = new Logger(LivePublisher.name);
  private namespace: LiveNamespace | null = null;
  private readonly catchUpListeners: ((mode: 'replay' | 'snapshot') => void)[] = [];
  private headTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly stream: EventStreamService,
    private readonly snapshots: SnapshotService,
  ) {
    stream.onEvents((events) => this.broadcast(events));
  }

  attach(namespace: LiveNamespace): void {
    this.namespace = namespace;
    this.headTimer = setInterval(() => this.room()?.emit('head', this.headMessage()), HEAD_INTERVAL_MS);
    this.headTimer.unref();
  }

  detach(): void {
    if (this.headTimer) clearInterval(this.headTimer);
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

  /** Told of every catch-up served: by replay of the log, or by a fresh snapshot. */
  onCatchUp(listener: (mode: 'replay' | 'snapshot') => void): void {
    this.catchUpListeners.push(listener);
  }

  private caughtUp(mode: 'replay' | 'snapshot'): void {
    for (const listener of this.catchUpListeners) listener(mode);
  }

  publishDerived<T extends DerivedEventType>(type: T, payload: DerivedEventPayloads[T]): void {
    const event = { seq: this.stream.head(), type, at: new Date().toISOString(), payload } as LiveEvent;
    this.room()?.emit('event', event);
  }

  /**
   * Brings a new socket up to date, then lets it into the broadcast room. Everything after the
   * last await is synchronous, so no broadcast can slip between catching up and joining.
   */
  async catchUp(socket: LiveSocket, since: number | undefined): Promise<void> {
    let replay = since === undefined ? null : await this.stream.eventsSince(since);
    if (replay === null) {
      const snapshot = await this.snapshots.build();
      if (socket.disconnected) return;
      socket.emit('snapshot', snapshot);
      this.caughtUp('snapshot');
      replay = this.stream.fromRing(snapshot.seq);
    } else if (replay.length) {
      this.caughtUp('replay');
      replay = replay.concat(this.stream.fromRing(replay[replay.length - 1].seq));
    } else if (since !== undefined) {
      replay = this.stream.fromRing(since);
    }
    if (socket.disconnected) return;
    for (const event of replay) socket.emit('event', event);
    void socket.join(CAUGHT_UP_ROOM);
    socket.emit('head', this.headMessage());
  }

  private headMessage(): HeadMessage {
    const staleSince = this.stream.staleSince();
    return staleSince ? { seq: this.stream.head(), staleSince: staleSince.toISOString() } : { seq: this.stream.head() };
  }

  /** Answers `resync`: the missed events when they are few, else a snapshot. */
  async resync(since: number): Promise<ResyncResult> {
    const events = await this.stream.eventsSince(since);
    if (events === null) {
      this.caughtUp('snapshot');
      return { ok: true, mode: 'snapshot', snapshot: await this.snapshots.build() };
    }
    this.caughtUp('replay');
    return { ok: true, mode: 'replay', events, head: this.stream.head() };
  }

  private broadcast(events: LoggedEvent[]): void {
    const room = this.room();
    if (!room) return;
    for (const event of events) room.emit('event', event);
  }

  /**
   * This node's caught-up sockets only: every node follows the log and delivers each event to
   * its own clients, so with the Redis adapter a cluster-wide broadcast would deliver it twice.
   */
  private room() {
    return this.namespace?.local.to(CAUGHT_UP_ROOM) ?? null;
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
