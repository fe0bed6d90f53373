import type { Deal, LiveEvent } from '@salesboard/shared';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { useBoardStore } from '@/stores/board';

export interface DealListPage {
  deals: Deal[];
  truncated: boolean;
}

/** The deal a logged deal event carries, and whether the event ends it (a deletion). */
function dealOf(event: LiveEvent): { deal: Deal; gone: boolean } | null {
  switch (event.type) {
    case 'deal.created':
    case 'deal.updated':
    case 'deal.stageChanged':
    case 'deal.won':
    case 'deal.lost':
      return { deal: event.payload.deal, gone: false };
    case 'deal.deleted':
      return { deal: event.payload.deal, gone: true };
    default:
      return null;
  }
}

/**
 * A list of deals loaded once over REST (when `key` changes, after a resync, after an exchange
 * rate changes, or on `reload()`, the user's own action), then kept by the deal events of the socket: a deal that now `belongs`
 * is put in or replaced, one that no longer does is taken out. An event older than the deal the
 * list holds (one that crossed the answer) changes nothing.
 */
export function useDealList(key: () => string | null, load: (signal: AbortSignal) => Promise<DealListPage>, belongs: (deal: Deal) => boolean) {
  const board = useBoardStore();
  const data = shallowRef<DealListPage | null>(null);
  const error = shallowRef<unknown>(null);
  const loading = ref(false);
  let controller: AbortController | null = null;

  async function reload(): Promise<void> {
    controller?.abort();
    if (key() === null) {
      data.value = null;
      return;
    }
    const mine = new AbortController();
    controller = mine;
    loading.value = true;
    try {
      const page = await load(mine.signal);
      if (controller !== mine) return;
      data.value = page;
      error.value = null;
    } catch (failure) {
      if (controller === mine && !mine.signal.aborted) error.value = failure;
    } finally {
      if (controller === mine) loading.value = false;
    }
  }

  function follow(event: LiveEvent): void {
    // Every converted amount may have moved, and no deal event says so: rates are rare, the list is loaded afresh.
    if (event.type === 'org.changed' && event.payload.entity === 'exchangeRate') return void reload();
    const page = data.value;
    const change = dealOf(event);
    if (!page || !change) return;
    const { deal, gone } = change;
    const index = page.deals.findIndex((held) => held.id === deal.id);
    if (index >= 0 && page.deals[index].updatedAt > deal.updatedAt) return;
    const keep = !gone && belongs(deal);
    if (index < 0 && !keep) return;
    const deals = page.deals.filter((held) => held.id !== deal.id);
    if (keep) deals.push(deal);
    data.value = { ...page, deals };
  }

  watch(key, () => void reload(), { immediate: true });
  // A gap the board store filled: deal events may have been missed, so the list is loaded afresh.
  watch([() => board.snapshotCount, () => board.resyncCount], (_now, [snapshotsBefore]) => {
    if (snapshotsBefore > 0 || board.resyncCount > 0) void reload();
  });
  const stop = board.onEvent(follow);
  onScopeDispose(() => {
    stop();
    controller?.abort();
  });

  return { data, error, loading, reload };
}
