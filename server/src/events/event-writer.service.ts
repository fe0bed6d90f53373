import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { LoggedEvent, LoggedEventPayloads, LoggedEventType } from '@salesboard/shared';
import type { Caller } from '../common/caller.js';
import { AppEvents } from './app-events.js';
import {
  claimIdempotencyKey,
  DuplicateRequestError,
  IDEMPOTENCY_TTL_HOURS,
  idempotencyContext,
  type IdempotentRequest,
  recordIdempotentAnswer,
} from '../common/idempotency/idempotency.context.js';

export const EVENTS_CHANNEL = 'salesboard_events';

/**
 * Who or what caused a change, as the log stores it with its events and carries it into logs.
 * `principal` is the REST caller (absent for changes the system makes itself); the log needs
 * only its kind, id and name, so it knows callers, not auth's principals.
 */
export interface LogContext {
  source: string;
  requestId?: string;
  principal?: Caller;
}

/** A writing transaction: the change's own rows go through `manager`, its events through `emit`. */
export interface WriteTx {
  manager: EntityManager;
  emit<T extends LoggedEventType>(type: T, payload: LoggedEventPayloads[T]): void;
}

/**
 * The one way to change data and emit events. The events are appended at the very end of the
 * transaction: taking the next seq locks the one-row counter until commit, so seqs are
 * gap-free (a rollback gives its numbers back) and ordered by commit, while the lock is held
 * only for the final inserts. pg_notify is delivered at commit, waking every node's reader.
 * A request's Idempotency-Key is claimed first and its answer stored last, in the same transaction.
 */
@Injectable()
export class EventWriter {
  private writes = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: AppEvents,
  ) {}

  async transaction<R>(context: LogContext, work: (tx: WriteTx) => Promise<R>): Promise<R> {
    return this.announced(async () => {
      let committed: LoggedEvent[] = [];
      const value = await this.dataSource.transaction(async (manager) => {
        const idempotent = await claimIdempotencyKey(manager);
        const pending: { type: LoggedEventType; payload: unknown }[] = [];
        const value = await work({ manager, emit: (type, payload) => pending.push({ type, payload }) });
        if (idempotent) await recordIdempotentAnswer(manager, idempotent, value);
        if (pending.length > 0) committed = await this.append(manager, pending, context);
        return value;
      });
      return { value, events: committed };
    });
  }

  /**
   * A change that is one statement of its own (a SQL function, committed as it returns): the
   * fast path for the busiest writes. The statement claims the request's Idempotency-Key,
   * stores its answer and appends its events itself, with what `log` gives it,
   * and answers the events it committed (`seq`, `at` and payload as the log holds them).
   * Sent through the pool, not the ORM, as a statement each connection prepares once.
   */
  async statement<R>(context: LogContext, run: (statement: OneStatement) => Promise<{ value: R; events: LoggedEvent[] }>): Promise<R> {
    const request = idempotencyContext.getStore();
    const idempotent = request && !request.claimed ? request : null;
    return this.announced(async () => {
      try {
        const outcome = await run({ query: this.pooled, log: statementLog(context, idempotent), channel: EVENTS_CHANNEL });
        if (idempotent) idempotent.claimed = true;
        return outcome;
      } catch (error) {
        if (error instanceof pg.DatabaseError && error.code === KEY_TAKEN) throw new DuplicateRequestError(error.message);
        throw error;
      }
    });
  }

  /** node-postgres' pool under TypeORM's: the connections every other query uses. */
  private get pool(): pg.Pool {
    return (this.dataSource.driver as PostgresDriver).master as pg.Pool;
  }

  private readonly pooled = async <T>(name: string, text: string, values: unknown[]): Promise<T[]> =>
    (await this.pool.query<T & pg.QueryResultRow>({ name, text, values })).rows;

  /**
   * Tells the bus a local write begins and how it ended, so the stream can broadcast its
   * events from memory in seq order however the writes' answers interleave.
   */
  private async announced<R>(write: () => Promise<{ value: R; events: LoggedEvent[] }>): Promise<R> {
    const id = ++this.writes;
    this.bus.emit('log.writing', id);
    let events: LoggedEvent[] = [];
    try {
      const outcome = await write();
      events = outcome.events;
      return outcome.value;
    } finally {
      this.bus.emit('log.committed', { write: id, events });
    }
  }

  /**
   * One statement: take the seqs, insert the events, queue the notification. The counter row
   * stays locked until COMMIT, so the fewer round trips between this and the commit, the more
   * writers per second (the benchmark saw sessions queue on this lock while Node sent the next
   * statement of a three-statement version).
   */
  private async append(manager: EntityManager, events: { type: LoggedEventType; payload: unknown }[], context: LogContext): Promise<LoggedEvent[]> {
    // The payloads as the log stores them (JSON), so memory and a read of the log tell the same events.
    const payloads = events.map((e) => JSON.stringify(e.payload));
    const rows: { seq: string; at: Date }[] = await manager.query(
      `WITH next AS (UPDATE event_seq SET seq = seq + $1 WHERE id = 1 RETURNING seq),
            written AS (
              INSERT INTO event_log (seq, type, payload, source, request_id, actor_kind, actor_id, actor_name)
              SELECT (SELECT seq FROM next) - $1 + e.ord, e.type, e.payload, $4, $5, $7, $8, $9
                FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, payload, ord)
              RETURNING seq, at),
            notified AS (SELECT pg_notify($6, (SELECT seq FROM next)::text))
       SELECT seq, at FROM written, notified ORDER BY seq`,
      [events.length, events.map((e) => e.type), payloads, context.source, context.requestId ?? null, EVENTS_CHANNEL, ...actorOf(context)],
    );
    return rows.map(
      (row, i) => ({ seq: Number(row.seq), type: events[i].type, at: row.at.toISOString(), payload: JSON.parse(payloads[i]) as unknown }) as LoggedEvent,
    );
  }
}

/** The SQLSTATE a one-statement change raises when the request's Idempotency-Key is taken. */
const KEY_TAKEN = 'SB001';

/** What a one-statement change is given: the pool, and what its SQL function must log with each change. */
export interface OneStatement {
  /** Runs a named (prepared once per connection) statement on the pool, in a transaction of its own. */
  query<T>(name: string, text: string, values: unknown[]): Promise<T[]>;
  /** The change's log columns, and its Idempotency-Key to claim (nulls without one). */
  log: StatementLog;
  /** The NOTIFY channel the statement tells its last seq on. */
  channel: string;
}

export interface StatementLog {
  source: string;
  requestId: string | null;
  actorKind: string;
  actorId: string;
  actorName: string | null;
  key: string | null;
  keyScope: string | null;
  keyCaller: string | null;
  keyBodyHash: string | null;
  keyTtlHours: number;
}

function statementLog(context: LogContext, key: IdempotentRequest | null): StatementLog {
  const [actorKind, actorId, actorName] = actorOf(context);
  return {
    source: context.source,
    requestId: context.requestId ?? null,
    actorKind,
    actorId,
    actorName,
    key: key?.key ?? null,
    keyScope: key?.scope ?? null,
    keyCaller: key?.caller ?? null,
    keyBodyHash: key?.bodyHash ?? null,
    keyTtlHours: IDEMPOTENCY_TTL_HOURS,
  };
}

/**
 * The actor columns of a change's events: the REST caller as the audit log names it, or, for a
 * change nobody called for, `system` and the source (`pipedrive`, `hubspot`, `csv`, `simulator`).
 */
export function actorOf(context: LogContext): [kind: string, id: string, name: string | null] {
  const { principal } = context;
  return principal ? [principal.kind, principal.id, principal.name] : ['system', context.source, null];
}
