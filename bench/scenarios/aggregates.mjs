/**
 * aggregates: a slot for the KPI aggregate benchmark another engineer is writing. When
 * server/bench/aggregates.mjs or bench/aggregates.mjs appears it is to be wired here; until
 * then the figure is null and the note says what was looked for.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['../../server/bench/aggregates.mjs', '../aggregates.mjs'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export async function aggregates() {
  const found = CANDIDATES.filter((file) => existsSync(file));
  return {
    result: null,
    notes: [
      found.length
        ? `found ${found.join(', ')} (a standalone CLI writing bench/results/aggregates-*.json): not wired into this run yet`
        : 'no KPI aggregate benchmark yet (looked for server/bench/aggregates.mjs and bench/aggregates.mjs)',
    ],
  };
}
