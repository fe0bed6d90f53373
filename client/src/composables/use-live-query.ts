import type { LiveEvent } from '@salesboard/shared';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { useBoardStore } from '@/stores/board';

export interface LiveQueryOptions {
  /**
   * Refetch at least this often, events or not (the numbers also move with the clock); null for
   * data that changes only with events (no timer: the events say when).
   */
  refreshMs?: number | null;
  /** At most one fetch per this many ms, however many events arrive. */
  throttleMs?: number;
  /** Which live events make the answer stale; by default every one. */
  isRelevant?: (event: LiveEvent) => boolean;
}

/**
 * REST data that follows the live stream: loaded when `key` changes (null: nothing to load),
 * reloaded, throttled, after relevant events, after a fresh snapshot and on a timer. The
 * previous answer stays shown while the next one loads, so numbers change in place.
 */
export function useLiveQuery<T>(key: () => string | null, load: (signal: AbortSignal) => Promise<T>, options: LiveQueryOptions = {}) {
  const { refreshMs = 30_000, throttleMs = 2_000, isRelevant = () => true } = options;
  const board = useBoardStore();
  const data = shallowRef<T | null>(null);
  const error = shallowRef<unknown>(null);
  const loading = ref(false);

  let controller: AbortController | null = null;
  let lastStart = Number.NEGATIVE_INFINITY;
  let pendingTimer: ReturnType<typeof setTimeout> | undefined;

  async function reload(): Promise<void> {
    clearTimeout(pendingTimer);
    pendingTimer = undefined;
    const current = key();
    controller?.abort();
    if (current === null) {
      data.value = null;
      loading.value = false;
      return;
    }
    const mine = new AbortController();
    controller = mine;
    lastStart = Date.now();
    loading.value = true;
    try {
      const answer = await load(mine.signal);
      if (controller !== mine) return;
      data.value = answer;
      error.value = null;
    } catch (failure) {
      if (controller !== mine || mine.signal.aborted) return;
      error.value = failure;
    } finally {
      if (controller === mine) loading.value = false;
    }
  }

  /** A reload soon, coalescing bursts of events into one request. */
  function requestReload(): void {
    if (pendingTimer !== undefined) return;
    pendingTimer = setTimeout(() => void reload(), Math.max(0, lastStart + throttleMs - Date.now()));
  }

  watch(key, () => void reload(), { immediate: true });
  // A snapshot after the first one follows a gap: what the events would have said may be lost.
  // The first comes with the page and says nothing this query's own first load did not.
  watch(
    () => board.snapshotCount,
    (count, before) => {
      if (before > 0) requestReload();
    },
  );
  const unsubscribe = board.onEvent((event) => {
    if (isRelevant(event)) requestReload();
  });
  const interval = refreshMs === null ? undefined : setInterval(requestReload, refreshMs);

  onScopeDispose(() => {
    unsubscribe();
    clearInterval(interval);
    clearTimeout(pendingTimer);
    controller?.abort();
  });

  return { data, error, loading, reload };
}
