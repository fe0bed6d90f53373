import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LoggedEventPayloads, LoggedEventType } from '@salesboard/shared';
import type { Caller } from '../common/caller.js';
import { AppEvents, type CommittedEvents } from './app-events.js';
import { claimIdempotencyKey, recordIdempotentAnswer } from '../common/idempotency/idempotency.context.js';

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
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: AppEvents,
  ) {}

  async transaction<R>(context: LogContext, work: (tx: WriteTx) => Promise<R>): Promise<R> {
    let committed: CommittedEvents | null = null;
    const result = await this.dataSource.transaction(async (manager) => {
      const idempotent = await claimIdempotencyKey(manager);
      const pending: { type: LoggedEventType; payload: unknown }[] = [];
      const value = await work({ manager, emit: (type, payload) => pending.push({ type, payload }) });
      if (idempotent) await recordIdempotentAnswer(manager, idempotent, value);
      if (pending.length > 0) committed = await this.append(manager, pending, context);
      return value;
    });
    if (committed) this.bus.emit('log.committed', committed);
    return result;
  }

  /**
   * One statement: take the seqs, insert the events, queue the notification. The counter row
   * stays locked until COMMIT, so the fewer round trips between this and the commit, the more
   * writers per second (the benchmark saw sessions queue on this lock while Node sent the next
   * statement of a three-statement version).
   */
  private async append(manager: EntityManager, events: { type: LoggedEventType; payload: unknown }[], context: LogContext): Promise<CommittedEvents> {
    const rows: { seq: string }[] = await manager.query(
      `WITH next AS (UPDATE event_seq SET seq = seq + $1 WHERE id = 1 RETURNING seq),
            written AS (
              INSERT INTO event_log (seq, type, payload, source, request_id, actor_kind, actor_id, actor_name)
              SELECT (SELECT seq FROM next) - $1 + e.ord, e.type, e.payload, $4, $5, $7, $8, $9
                FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, payload, ord)
              RETURNING seq)
       SELECT (SELECT seq FROM next) AS seq, pg_notify($6, (SELECT seq FROM next)::text), (SELECT count(*) FROM written) AS written`,
      [
        events.length,
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.payload)),
        context.source,
        context.requestId ?? null,
        EVENTS_CHANNEL,
        ...actorOf(context),
      ],
    );
    const lastSeq = Number(rows[0].seq);
    return { firstSeq: lastSeq - events.length + 1, lastSeq };
  }
}

/**
 * The actor columns of a change's events: the REST caller as the audit log names it, or, for a
 * change nobody called for, `system` and the source (`pipedrive`, `hubspot`, `csv`, `simulator`).
 */
export function actorOf(context: LogContext): [kind: string, id: string, name: string | null] {
  const { principal } = context;
  return principal ? [principal.kind, principal.id, principal.name] : ['system', context.source, null];
}
