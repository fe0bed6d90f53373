/**
 * A poor man's profile of the write path from PostgreSQL's side: samples pg_stat_activity of
 * one database and reports how many of its backends were, on average, running a statement,
 * waiting for a lock (on the event_seq row, say), or idle inside a transaction, i.e. waiting
 * for the application to send the next statement.
 */
export function sampleActivity(pool, database, { intervalMs = 100 } = {}) {
  const totals = new Map();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running && samples < 10_000) {
      const { rows } = await pool.query(
        `SELECT state, wait_event_type, wait_event FROM pg_stat_activity
          WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'`,
        [database],
      );
      samples++;
      for (const row of rows) {
        const key =
          row.wait_event_type === 'Lock'
            ? `waiting for lock (${row.wait_event})`
            : row.state === 'idle in transaction'
              ? 'idle in transaction (waiting for the app)'
              : row.wait_event_type
                ? `${row.state} (${row.wait_event_type}: ${row.wait_event})`
                : row.state;
        totals.set(key, (totals.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** Average backends per category over the samples, largest first. */
    async stop() {
      running = false;
      await loop;
      return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).map(([key, n]) => [key, Math.round((n / Math.max(1, samples)) * 100) / 100]));
    },
  };
}
