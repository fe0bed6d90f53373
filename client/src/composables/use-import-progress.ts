import type { ImportJob } from '@salesboard/shared';
import { onScopeDispose, shallowRef } from 'vue';
import { fetchImportJob } from '@/api/imports';
import { useBoardStore } from '@/stores/board';

/** Without a live update for this long, the job is asked for over HTTP. */
export const IMPORT_POLL_MS = 1_000;

export interface ImportProgressSources {
  /** GET /api/import/jobs/:id; a 404 means the server has not created the job yet (it reads the first rows first). */
  fetchJob(id: string): Promise<ImportJob>;
  /** Live `import.progress` payloads; returns the unsubscribe. */
  onProgress(listener: (job: ImportJob) => void): () => void;
  pollMs?: number;
}

/**
 * Follows one running import. The live stream is the fast path; when it stays silent (no socket,
 * another node, an old server) the job is polled, so the bar never freezes. Answers arrive from
 * both sides out of order, so a running update never moves the bar back and nothing follows the end.
 */
export function createImportProgress(sources: ImportProgressSources) {
  const pollMs = sources.pollMs ?? IMPORT_POLL_MS;
  const job = shallowRef<ImportJob | null>(null);
  let jobId: string | null = null;
  let lastNews = 0;
  let polling = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | null = null;

  function accept(next: ImportJob): void {
    if (next.id !== jobId) return;
    const current = job.value;
    if (current && current.status !== 'running') return; // the end is final
    if (current && next.status === 'running' && next.rowsRead < current.rowsRead) return; // an older answer
    job.value = next;
    lastNews = Date.now();
    if (next.status !== 'running') release();
  }

  async function poll(): Promise<void> {
    const id = jobId;
    if (id === null || polling || Date.now() - lastNews < pollMs) return;
    polling = true;
    try {
      accept(await sources.fetchJob(id));
    } catch {
      // Not created yet, or the server is briefly away: the next tick asks again.
    } finally {
      polling = false;
    }
  }

  /** Starts following `id` from nothing. */
  function follow(id: string): void {
    release();
    jobId = id;
    job.value = null;
    lastNews = Date.now();
    unsubscribe = sources.onProgress(accept);
    timer = setInterval(() => void poll(), pollMs);
  }

  /** The import's own answer (the POST resolves with the final job): ends the following. */
  function finish(final: ImportJob): void {
    accept(final);
    release();
  }

  function release(): void {
    clearInterval(timer);
    timer = undefined;
    unsubscribe?.();
    unsubscribe = null;
  }

  /** Forgets the job: back to an empty page. */
  function reset(): void {
    release();
    jobId = null;
    job.value = null;
  }

  return { job, follow, accept, finish, reset, stop: release };
}

/** The import progress of the page: `import.progress` events from the live store, the REST poll as fallback. */
export function useImportProgress() {
  const board = useBoardStore();
  const progress = createImportProgress({
    fetchJob: (id) => fetchImportJob(id),
    onProgress: (listener) =>
      board.onEvent((event) => {
        if (event.type === 'import.progress') listener(event.payload);
      }),
  });
  onScopeDispose(progress.stop);
  return progress;
}
