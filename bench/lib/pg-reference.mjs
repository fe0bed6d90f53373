/**
 * The PostgreSQL reference: the rows a stage change writes, with plain `pg`, one change per
 * transaction. What a hand-written write path on this database could do, with no framework.
 */
import { nowMs } from './clock.mjs';

const EVENTS_CHANNEL = 'salesboard_events';

/** One stage change: UPDATE deals, INSERT stage_history, bump event_seq and INSERT event_log. */
export async function referenceChange(client, { dealId, from, to, payload, type = 'deal.stageChanged' }) {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query(
      `UPDATE deals SET stage = $2, stage_entered_at = now(), closed_at = NULL, updated_at = now()
        WHERE id = $1 RETURNING owner_id, amount`,
      [dealId, to],
    );
    await client.query(
      `INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
       VALUES ($1, $2, $3, $4, $5, now(), 'api')`,
      [dealId, from, to, rows[0].amount, rows[0].owner_id],
    );
    const event = await client.query(
      `WITH next AS (UPDATE event_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq)
       INSERT INTO event_log (seq, type, payload, source) SELECT seq, $1, $2, 'api' FROM next RETURNING seq`,
      [type, JSON.stringify(payload)],
    );
    await client.query('COMMIT');
    return Number(event.rows[0].seq);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Committed changes per second over `connections` connections for `durationSec`; `plan`
 * hands each loop a deal no other loop holds, so no transaction waits on another's row lock.
 */
export async function referenceTps(pool, plan, { connections = 4, durationSec }) {
  const until = nowMs() + durationSec * 1000;
  let committed = 0;
  let failed = 0;
  const startedAt = nowMs();
  const loops = Array.from({ length: connections }, async () => {
    const client = await pool.connect();
    try {
      for (let i = 0; nowMs() < until && i < 1e7; i++) {
        const change = plan.acquire();
        if (!change) break;
        try {
          await referenceChange(client, change);
          committed++;
          plan.release(change, true);
        } catch {
          failed++;
        }
      }
    } finally {
      client.release();
    }
  });
  await Promise.all(loops);
  return { tps: committed / ((nowMs() - startedAt) / 1000), committed, failed };
}

/**
 * Appends events straight to the server's log at `rate` per second for `durationSec`, the way
 * the write path does (counter, rows, NOTIFY, one transaction per tick). Feeds the fan-out and
 * reconnect scenarios without REST, so they measure the live path alone.
 */
export async function feedEvents(pool, payloads, { rate, durationSec, tickMs = 20 }) {
  const startedAt = nowMs();
  const until = startedAt + durationSec * 1000;
  let sent = 0;
  let lastSeq = null;
  for (let ticks = 0; ticks < 1e6; ticks++) {
    const now = nowMs();
    if (now >= until) break;
    const due = Math.min(5000, Math.floor((rate * (now - startedAt)) / 1000) - sent);
    if (due > 0) {
      lastSeq = await appendEvents(
        pool,
        Array.from({ length: due }, (_, i) => payloads[(sent + i) % payloads.length]),
      );
      sent += due;
    }
    const wait = tickMs - (nowMs() - now);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return { sent, lastSeq, seconds: (nowMs() - startedAt) / 1000 };
}

export async function appendEvents(pool, payloads, type = 'deal.stageChanged') {
  const { rows } = await pool.query(
    `WITH next AS (UPDATE event_seq SET seq = seq + $1 WHERE id = 1 RETURNING seq),
          rows AS (INSERT INTO event_log (seq, type, payload, source)
                   SELECT (SELECT seq FROM next) - $1 + o, $2, p, 'bench'
                     FROM unnest($3::jsonb[]) WITH ORDINALITY AS t(p, o)
                   RETURNING seq)
     SELECT pg_notify('${EVENTS_CHANNEL}', max(seq)::text), max(seq) AS seq FROM rows`,
    [payloads.length, type, payloads.map((p) => JSON.stringify(p))],
  );
  return Number(rows[0].seq);
}
