/**
 * One write path for deals (issue #14): every statement that writes `deals` or `stage_history`
 * lives in deals.repository.ts, called by DealCommands alone, so an invariant kept there (stage
 * history, the event type, pinning on a rep move) cannot be skipped by a second path. This scan
 * fails the build when SQL writing those tables appears anywhere else in the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(import.meta.dirname, '..');
const WRITES = /\b(insert\s+into|update|delete\s+from)\s+(deals|stage_history)\b/i;
const THE_ONE_PLACE = 'deals/deals.repository.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the one write path for deals', () => {
  it(`writes deals and stage history only in ${THE_ONE_PLACE}`, () => {
    const offenders = sourceFiles(SRC)
      .map((path) => relative(SRC, path))
      .filter((path) => path !== THE_ONE_PLACE && WRITES.test(readFileSync(join(SRC, path), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('finds the writes where they are (the scan is not blind)', () => {
    expect(WRITES.test(readFileSync(join(SRC, THE_ONE_PLACE), 'utf8'))).toBe(true);
  });
});
