import type { KpisQueryInput, KpisResponse, LeaderboardQueryInput, LeaderboardResponse } from '@salesboard/shared';
import { computed, onScopeDispose, shallowRef, watch, type ShallowRef } from 'vue';
import { type FiguresEntry, useFiguresStore } from '@/stores/figures';

/**
 * Figures a view shows, held in the figures store for as long as the view lives: `query` null
 * holds nothing. The answer changes in place as the server pushes updates; a new query (another
 * scope, period or custom range) is loaded, the one before is let go.
 */
function useHeld<Q, T, R>(query: () => Q | null, hold: (query: Q) => { entry: FiguresEntry<T>; release: () => void }, read: (value: T) => R) {
  const store = useFiguresStore();
  const held = shallowRef<FiguresEntry<T> | null>(null) as ShallowRef<FiguresEntry<T> | null>;
  let release: (() => void) | null = null;

  watch(
    () => {
      const current = query();
      return current === null ? null : JSON.stringify(current);
    },
    () => {
      const current = query();
      const previous = release;
      if (current === null) held.value = null;
      else {
        const next = hold(current);
        held.value = next.entry;
        release = next.release;
      }
      // Let go after taking the next one, so a shared entry is not dropped and loaded again.
      previous?.();
      if (current === null) release = null;
    },
    { immediate: true },
  );
  onScopeDispose(() => release?.());

  const data = computed(() => {
    const value = held.value?.data.value;
    return value === null || value === undefined ? null : read(value);
  });
  const error = computed(() => held.value?.error.value ?? null);
  const loading = computed(() => held.value?.loading.value ?? false);
  /** Asks REST again: only for the user's own action (a retry, a saved change). */
  const reload = () => (held.value ? store.reload(held.value) : Promise.resolve());
  return { data, error, loading, reload };
}

/** GET /api/kpis's answer for `query`, kept current by `kpi.updated`. */
export function useKpiFigures(query: () => KpisQueryInput | null) {
  const store = useFiguresStore();
  return useHeld(query, store.holdKpis, (held): KpisResponse => held.figures);
}

/** GET /api/leaderboard's answer for `query`, kept current by `leaderboard.updated`. */
export function useLeaderboardFigures(query: () => LeaderboardQueryInput | null) {
  const store = useFiguresStore();
  return useHeld(query, store.holdLeaderboard, (board): LeaderboardResponse => board);
}
