import type { ImportJob } from '@salesboard/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '@/api/http';
import { createImportProgress } from './use-import-progress';

const JOB_ID = '5d0e8f3a-8a53-4c0e-9a3c-2f0c7b6f1e11';

function job(overrides: Partial<ImportJob> = {}): ImportJob {
  return {
    id: JOB_ID,
    kind: 'deals',
    status: 'running',
    fileName: 'deals.csv',
    delimiter: ',',
    dateFormat: 'iso',
    columns: { name: 'Deal Name' },
    rowsRead: 0,
    written: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    repsCreated: 0,
    accountsCreated: 0,
    productsCreated: 0,
    warnings: [],
    error: null,
    startedAt: '2026-11-29T02:00:00.000Z',
    finishedAt: null,
    rejectedCsvUrl: `/api/import/jobs/${JOB_ID}/rejected.csv`,
    ...overrides,
  };
}

/** A live stream the test speaks on, and a server whose answer to GET /jobs/:id the test sets. */
function harness() {
  const listeners = new Set<(job: ImportJob) => void>();
  let answer: ImportJob | Error = new ApiRequestError(404, { statusCode: 404, error: 'Not Found', message: 'import job: not found' });
  const fetchJob = vi.fn(async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const progress = createImportProgress({
    fetchJob,
    onProgress: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  return {
    progress,
    fetchJob,
    listeners,
    emit: (next: ImportJob) => listeners.forEach((listener) => listener(next)),
    serverSays: (next: ImportJob | Error) => (answer = next),
  };
}

describe('following an import', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-11-29T02:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('raises the bar with each live event and does not poll while they keep coming', async () => {
    const { progress, fetchJob, emit } = harness();
    progress.follow(JOB_ID);

    for (const rowsRead of [500, 1000, 1500, 2000, 2500, 3000]) {
      await vi.advanceTimersByTimeAsync(250);
      emit(job({ rowsRead, written: rowsRead - 1, rejected: 1 }));
      expect(progress.job.value?.rowsRead).toBe(rowsRead);
    }
    expect(fetchJob).not.toHaveBeenCalled();

    // Another job's progress (an import in another tab) does not move this bar.
    emit(job({ id: 'b0b0b0b0-0000-4000-8000-000000000000', rowsRead: 9_999 }));
    expect(progress.job.value?.rowsRead).toBe(3000);
  });

  it('polls the job every second when no event arrives, through the 404 before the job exists', async () => {
    const { progress, fetchJob, serverSays } = harness();
    progress.follow(JOB_ID);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetchJob).toHaveBeenCalledTimes(1);
    expect(progress.job.value).toBeNull(); // not created yet: 404

    serverSays(job({ rowsRead: 500, written: 500 }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetchJob).toHaveBeenCalledTimes(2);
    expect(fetchJob).toHaveBeenLastCalledWith(JOB_ID);
    expect(progress.job.value?.rowsRead).toBe(500);

    serverSays(job({ rowsRead: 1200, written: 1190, rejected: 10 }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(progress.job.value).toMatchObject({ rowsRead: 1200, rejected: 10 });
  });

  it('never moves the bar back when a slow poll answers after a newer event', async () => {
    const { progress, emit, serverSays } = harness();
    progress.follow(JOB_ID);
    serverSays(job({ rowsRead: 400 }));
    emit(job({ rowsRead: 900 }));
    await vi.advanceTimersByTimeAsync(2_500);
    expect(progress.job.value?.rowsRead).toBe(900);
  });

  it('keeps the final state and stops polling and listening once the import has ended', async () => {
    const { progress, fetchJob, emit, listeners, serverSays } = harness();
    progress.follow(JOB_ID);
    emit(job({ rowsRead: 600 }));

    const final = job({ status: 'completed', rowsRead: 1000, written: 998, created: 990, updated: 8, rejected: 2, finishedAt: '2026-11-29T02:00:03.000Z' });
    emit(final);
    expect(progress.job.value).toEqual(final);
    expect(listeners.size).toBe(0);

    // A late running update cannot undo the end, and nothing is polled any more.
    emit(job({ rowsRead: 700 }));
    serverSays(job({ rowsRead: 800 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(progress.job.value).toEqual(final);
    expect(fetchJob).not.toHaveBeenCalled();
  });

  it("takes the import's own answer as the end when no event said so", async () => {
    const { progress, fetchJob } = harness();
    progress.follow(JOB_ID);
    progress.finish(job({ status: 'cancelled', rowsRead: 500, written: 500, created: 500 }));
    expect(progress.job.value?.status).toBe('cancelled');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(fetchJob).not.toHaveBeenCalled();
  });
});
