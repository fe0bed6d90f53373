import pg from 'pg';
import type { OneStatement } from '../events/event-writer.service.js';
import { changeStagesInOneStatement, type StageChanged, type StageChangeRow, type StageRefused } from './deals.repository.js';

interface Waiting {
  query: OneStatement['query'];
  channel: string;
  change: StageChangeRow;
  resolve(changed: StageChanged): void;
  reject(error: unknown): void;
}

/** At most this many batches at the database at once: one commits while the next does its work up to the counter's lock. */
const BATCHES_UNDER_WAY = 2;
const LARGEST_BATCH = 64;

/**
 * Group commit of stage changes. Every event takes the next seq from one counter row, locked
 * until its transaction's commit has reached the disk, so one change per transaction moves at
 * one WAL flush per change. Changes that arrive while batches are under way wait and go in the
 * next one: one statement, one commit, one flush for all. A change waits for nothing when the
 * database is idle, and each caller is answered only once the statement holding its change has
 * returned, that is committed: every 2xx is durable. Refusals are answered per change.
 */
export class StageChangeBatches {
  private readonly waiting: Waiting[] = [];
  private underWay = 0;

  submit(statement: OneStatement, change: StageChangeRow): Promise<StageChanged> {
    return new Promise<StageChanged>((resolve, reject) => {
      this.waiting.push({ query: statement.query, channel: statement.channel, change, resolve, reject });
      this.send();
    });
  }

  private send(): void {
    while (this.underWay < BATCHES_UNDER_WAY && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, LARGEST_BATCH);
      this.underWay++;
      void this.run(batch).finally(() => {
        this.underWay--;
        this.send();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    // Deals locked in id order in every batch: two batches never wait on each other in a circle.
    // The sort is stable, so two changes of one deal keep the order they came in.
    const ordered = [...batch].sort((a, b) => (a.change.deal < b.change.deal ? -1 : a.change.deal > b.change.deal ? 1 : 0));
    try {
      const results = await changeStagesInOneStatement(
        ordered[0].query,
        ordered[0].channel,
        ordered.map((w) => w.change),
      );
      ordered.forEach((w, i) => {
        const result = results[i];
        if ('refused' in result) w.reject(refusal(result));
        else w.resolve(result);
      });
    } catch (error) {
      if (ordered.length === 1) return ordered[0].reject(error);
      // A whole batch fails only for what no one change caused (a deadlock on Idempotency-Keys,
      // the database away): each change goes again on its own, to succeed or fail by itself.
      await Promise.all(ordered.map((w) => this.run([w])));
    }
  }
}

/** A refusal as the error PostgreSQL would have raised for this change alone. */
function refusal(result: StageRefused): pg.DatabaseError {
  const error = new pg.DatabaseError(result.message, 0, 'error');
  error.code = result.refused;
  error.detail = result.detail ?? undefined;
  return error;
}
