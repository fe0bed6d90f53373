import { Injectable, Logger } from '@nestjs/common';
import type { LoggedEvent } from '@salesboard/shared';

/**
 * How one local write ended, told on the node that made it: the events it committed, in seq
 * order and as the log holds them, or none (it appended nothing, or rolled back). `write` is
 * the number `log.writing` announced it by.
 */
export interface CommittedEvents {
  write: number;
  events: readonly LoggedEvent[];
}

/** Scope keys whose numbers moved; `everything` after a rebuild. */
export type KpiChange = { touched: ReadonlySet<string>; everything: boolean; seq: number };

/** A credential that may no longer read: its sockets are closed on every node. */
export interface RevokedPrincipal {
  kind: 'display' | 'user' | 'apiKey';
  id: string;
}

/**
 * Every topic and its payload: what happens in this process after a commit, for modules that
 * must not know each other (the event log, the live stream, the KPI store, auth, the TVs).
 */
export interface AppEventMap {
  /**
   * A local write begins (its number). Until its `log.committed`, a gap in the seqs this node
   * has heard of may be this write's, committed but not yet answered: the stream waits for it
   * rather than read its own events back from the log.
   */
  'log.writing': number;
  /** A local write ended (see CommittedEvents): the stream broadcasts its events from memory, the metrics count them. */
  'log.committed': CommittedEvents;
  /** Logged events this node's stream has read, once each and in seq order. */
  'log.applied': readonly LoggedEvent[];
  /** The KPI store applied events (or rebuilt) and these scopes' numbers moved. */
  'kpi.changed': KpiChange;
  /** A socket has just joined these scope rooms: derived-event producers take their baseline. */
  'live.scopeJoined': readonly string[];
  /** A catch-up was served, by replay of the log or by a fresh snapshot. */
  'live.caughtUp': 'replay' | 'snapshot';
  /** A user signed out, an API key or a TV revoked. */
  'principal.revoked': RevokedPrincipal;
  /** The TVs' scopes as they now are (display id to the JSON of its board scope): the others reconnect. */
  'display.scopesChanged': ReadonlyMap<string, string>;
}

export type AppTopic = keyof AppEventMap;
type Listener<T extends AppTopic> = (payload: AppEventMap[T]) => void | Promise<void>;

/**
 * The in-process event bus: synchronous, listeners run in the order they subscribed, and one
 * that throws (or rejects) is logged without keeping the others from their turn. Nothing here
 * crosses nodes: the event log does that, and each node's stream announces what it read.
 */
@Injectable()
export class AppEvents {
  private readonly logger = new Logger(AppEvents.name);
  private readonly listeners = new Map<AppTopic, Listener<never>[]>();

  on<T extends AppTopic>(topic: T, listener: Listener<T>): void {
    const list = this.listeners.get(topic) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(topic, list);
  }

  emit<T extends AppTopic>(topic: T, payload: AppEventMap[T]): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        const result = (listener as Listener<T>)(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(topic, error));
      } catch (error) {
        this.failed(topic, error);
      }
    }
  }

  private failed(topic: AppTopic, error: unknown): void {
    this.logger.error(`a ${topic} listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
