import {
  applyKpiUpdate,
  applyLeaderboardUpdate,
  type KpisQueryInput,
  type LeaderboardQueryInput,
  leaderboardKey,
  type LeaderboardResponse,
  leaderboardScopeKey,
  LIVE_PERIODS,
  type LiveEvent,
  type LiveFigures,
  loadCurrentBoard,
  maySeeFiguresOf,
  type Scope,
  scopeFromQuery,
  scopeKey,
  scopesOfQuery,
  scopeToQuery,
  startLiveFigures,
  type SubscribeInput,
  WALLBOARD_BOARD_KEY,
} from '@salesboard/shared';
import { acceptHMRUpdate, defineStore } from 'pinia';
import { shallowRef, watch, type ShallowRef } from 'vue';
import { fetchKpis, fetchLeaderboard } from '@/api/kpis';
import { useBoardStore } from './board';
import { useLiveStore } from './live';
import { figuresViewerOf, useSessionStore } from './session';

/** A live period the server does not push to this page (a scope it may not subscribe to) follows events, at most this often. */
const UNPUSHED_RELOAD_MS = 3_000;

interface Entry<T> {
  key: string;
  /** The scope whose room brings its updates; null for a custom range, which nothing pushes. */
  scope: Scope | null;
  load: (signal: AbortSignal) => Promise<T>;
  data: ShallowRef<T | null>;
  error: ShallowRef<unknown>;
  loading: ShallowRef<boolean>;
  users: number;
  controller: AbortController | null;
  reloadTimer?: ReturnType<typeof setTimeout>;
}

export type FiguresEntry<T> = Pick<Entry<T>, 'data' | 'error' | 'loading'>;

const isLive = (period: string | undefined) => (LIVE_PERIODS as readonly string[]).includes(period ?? 'month');

/** The query's period as `kpi.updated` and `leaderboard.updated` name it: from/to alone are custom, nothing is a month. */
function periodOf(query: { period?: string; from?: string; to?: string }): string {
  return query.period ?? (query.from !== undefined || query.to !== undefined ? 'custom' : 'month');
}

/**
 * Every figure a screen shows, keyed by scope and period: loaded once over REST, then kept current
 * by what the server pushes (`kpi.updated`, `leaderboard.updated`), applied in seq order. REST is
 * asked again only after a resync (a gap, a reconnect: pushes may have been lost), for a custom
 * range, or for a scope this page may not subscribe to. The store also subscribes the socket to
 * every scope its figures need.
 */
export const useFiguresStore = defineStore('figures', () => {
  const board = useBoardStore();
  const live = useLiveStore();
  const session = useSessionStore();

  const kpis = new Map<string, Entry<LiveFigures>>();
  const boards = new Map<string, Entry<LeaderboardResponse>>();
  /** Per board being loaded, the newest push that came meanwhile: its answer must not be older (loadCurrentBoard). */
  const pushedWhileLoading = new Map<string, { seq: number }>();
  /** The scope keys the server has accepted a subscription for: their figures are pushed. */
  const pushedKeys = shallowRef<ReadonlySet<string>>(new Set());
  /** The boards (`leaderboardKey`) that subscription asked for: the server sends only boards some page shows. */
  const pushedBoards = shallowRef<ReadonlySet<string>>(new Set());

  const entries = () => [...kpis.values(), ...boards.values()] as Entry<unknown>[];

  /** Whether the server pushes this entry's updates to this page. */
  function isPushed(entry: Entry<unknown>): boolean {
    if (!entry.scope) return false;
    // A board of the organisation (`all`, or `teams`, which is ranked across it) comes to every caught-up socket.
    const boardOfAll = boards.get(entry.key) === entry && entry.scope.kind === 'all';
    if (boardOfAll) return live.state === 'live' && board.ready && (entry.key === WALLBOARD_BOARD_KEY || pushedBoards.value.has(entry.key));
    return pushedKeys.value.has(scopeKey(entry.scope));
  }

  async function load<T>(entry: Entry<T>): Promise<void> {
    entry.controller?.abort();
    const mine = new AbortController();
    entry.controller = mine;
    entry.loading.value = true;
    try {
      const answer = await entry.load(mine.signal);
      if (entry.controller !== mine) return;
      entry.data.value = answer;
      entry.error.value = null;
    } catch (failure) {
      if (entry.controller !== mine || mine.signal.aborted) return;
      entry.error.value = failure;
    } finally {
      if (entry.controller === mine) {
        entry.loading.value = false;
        entry.controller = null;
      }
    }
  }

  /** Loads what is due: a pushed entry once its subscription stands, anything else at once. */
  function loadDue(entry: Entry<unknown>): void {
    if (entry.data.value !== null || entry.controller) return;
    if (!entry.scope || isPushed(entry) || !wantsPush(entry.scope)) void load(entry);
  }

  // ---- Subscribing ---------------------------------------------------------------------------------

  const teamOfRep = (repId: string) => board.repsById.get(repId)?.teamId ?? null;

  /** Whether this page may follow a scope's figures (the shared rule the server's `subscribe` applies). */
  function wantsPush(scope: Scope): boolean {
    return maySeeFiguresOf(figuresViewerOf(session.me), scopeToQuery(scope), teamOfRep);
  }

  /**
   * One subscription holds one team, one territory and one rep, or the organisation. The
   * organisation's KPIs with any narrower scope on one page (none of the screens does that) are
   * left to REST: its leaderboards come to everyone anyway.
   */
  function wantedSubscription(): SubscribeInput | null {
    const scopes = entries()
      .filter((entry) => entry.users > 0 && entry.scope && (kpis.get(entry.key) === entry || entry.scope.kind !== 'all'))
      .map((entry) => entry.scope!)
      .filter(wantsPush);
    if (scopes.length === 0) return null;
    const narrow = scopes.filter((scope) => scope.kind !== 'all');
    const input: SubscribeInput = {};
    for (const scope of narrow) Object.assign(input, { ...scopeToQuery(scope), ...input });
    // The live periods of the KPIs held: the server computes and sends only periods someone shows.
    const periods = new Set(
      [...kpis.values()].filter((entry) => entry.users > 0 && entry.scope).map((entry) => entry.key.slice(entry.key.lastIndexOf('|') + 1)),
    );
    input.periods = LIVE_PERIODS.filter((period) => periods.has(period));
    const shown = [...boards.values()].filter((entry) => entry.users > 0 && entry.scope && entry.scope.kind !== 'rep').map((entry) => entry.key);
    if (shown.length > 0) input.boards = shown.sort();
    return input;
  }

  let asked = '';
  function resubscribe(): void {
    const wanted = wantedSubscription();
    const json = JSON.stringify(wanted);
    if (wanted === null || json === asked) return;
    asked = json;
    live.subscribe(wanted);
  }

  watch(
    () => live.subscribed,
    (accepted) => {
      pushedKeys.value = new Set(accepted ? scopesOfQuery(accepted.scope).map(scopeKey) : []);
      pushedBoards.value = new Set(accepted?.scope.boards ?? []);
      if (!accepted) {
        asked = '';
        return;
      }
      // After a reconnect the updates sent meanwhile are lost: what is pushed loads afresh.
      for (const entry of entries()) {
        if (accepted.reconnected && isPushed(entry)) void load(entry);
        else loadDue(entry);
      }
    },
  );
  // The organisation's boards need no subscription, only a caught-up socket.
  watch(
    () => live.state === 'live' && board.ready,
    (ready) => {
      if (ready) for (const entry of entries()) loadDue(entry);
    },
  );

  // ---- Applying what is pushed ---------------------------------------------------------------------

  function apply(event: LiveEvent): void {
    if (event.type === 'kpi.updated') {
      const entry = kpis.get(`${event.payload.scope}|${event.payload.period}`);
      if (entry?.data.value && isPushed(entry)) entry.data.value = applyKpiUpdate(entry.data.value, event.payload, event.seq);
      // Stuck deals are the scope's, whatever the period: the server sends them with one period only.
      const stuck = event.payload.parts?.stuck;
      if (stuck)
        for (const other of kpis.values())
          if (other !== entry && other.data.value && other.scope && isPushed(other) && scopeKey(other.scope) === event.payload.scope)
            other.data.value = applyKpiUpdate(
              other.data.value,
              { period: other.data.value.figures.period.kind, scope: event.payload.scope, changed: {}, parts: { stuck } },
              event.seq,
            );
      return;
    }
    if (event.type === 'leaderboard.updated') {
      const { metric, period, scope } = event.payload;
      const entry = boards.get(leaderboardKey(metric, period, scope));
      if (!entry || !isPushed(entry)) return;
      // Not applied to rows an answer on its way replaces: that answer is made at least as recent.
      const loading = pushedWhileLoading.get(entry.key);
      if (entry.controller && loading) {
        loading.seq = Math.max(loading.seq, event.seq);
        return;
      }
      const current = entry.data.value;
      if (!current) return;
      const next = applyLeaderboardUpdate(current, event.payload, event.seq);
      // A delta over other rows than those held (a push lost, a load that came before a change
      // was pushed): the board is loaded again, and pushes wait for that answer (above).
      if (next === null) void load(entry);
      else if (next !== current) entry.data.value = { ...current, ...next };
      return;
    }
    if (!('seq' in event) || event.type === 'org.changed') return;
    // A live period this page is not pushed follows the logged events instead, throttled.
    for (const entry of entries()) if (entry.scope && !isPushed(entry) && entry.data.value !== null) reloadSoon(entry);
  }

  function reloadSoon(entry: Entry<unknown>): void {
    if (entry.reloadTimer !== undefined) return;
    entry.reloadTimer = setTimeout(() => {
      entry.reloadTimer = undefined;
      void load(entry);
    }, UNPUSHED_RELOAD_MS);
  }

  board.onEvent(apply);
  // A gap the board store had to fill (a replay, a snapshot): pushes may have been lost with it.
  watch([() => board.resyncCount, () => board.snapshotCount], ([resyncs, snapshots], [resyncsBefore]) => {
    const firstSnapshot = snapshots === 1 && resyncs === resyncsBefore;
    if (firstSnapshot) return;
    for (const entry of entries()) if (entry.data.value !== null) void load(entry);
  });

  // ---- Who holds what ----------------------------------------------------------------------------

  function acquire<T>(map: Map<string, Entry<T>>, key: string, scope: Scope | null, loader: (signal: AbortSignal) => Promise<T>): Entry<T> {
    let entry = map.get(key);
    if (!entry) {
      entry = { key, scope, load: loader, data: shallowRef(null), error: shallowRef(null), loading: shallowRef(false), users: 0, controller: null };
      map.set(key, entry);
    }
    entry.users += 1;
    resubscribe();
    loadDue(entry as Entry<unknown>);
    return entry;
  }

  function release<T>(map: Map<string, Entry<T>>, entry: Entry<T>): void {
    entry.users -= 1;
    if (entry.users > 0) return;
    entry.controller?.abort();
    clearTimeout(entry.reloadTimer);
    map.delete(entry.key);
  }

  /** A GET /api/kpis held live; the key is the scope's and the period's, or the query's own for a custom range. */
  function holdKpis(query: KpisQueryInput): { entry: FiguresEntry<LiveFigures>; release: () => void } {
    const period = periodOf(query);
    const scope = scopeFromQuery(query);
    const live = isLive(period);
    const key = live ? `${scopeKey(scope)}|${period}` : `custom|${JSON.stringify(query)}`;
    const entry = acquire(kpis, key, live ? scope : null, async (signal) => startLiveFigures(await fetchKpis(query, signal)));
    return { entry, release: () => release(kpis, entry) };
  }

  /** A GET /api/leaderboard held live, keyed as `leaderboard.updated` names the board. */
  function holdLeaderboard(query: LeaderboardQueryInput): { entry: FiguresEntry<LeaderboardResponse>; release: () => void } {
    const period = periodOf(query);
    const scope = scopeFromQuery(query);
    const live = isLive(period);
    const boardScope = leaderboardScopeKey(query.entity ?? 'reps', scope);
    const key = live ? `${query.metric ?? 'revenue'}|${period}|${boardScope}` : `custom|${JSON.stringify(query)}`;
    const entry = acquire(boards, key, live ? scope : null, (signal) => {
      const pushed = { seq: -1 };
      pushedWhileLoading.set(key, pushed);
      return loadCurrentBoard(() => fetchLeaderboard(query, signal), pushed).finally(() => {
        if (pushedWhileLoading.get(key) === pushed) pushedWhileLoading.delete(key);
      });
    });
    return { entry, release: () => release(boards, entry) };
  }

  /** Loads an entry again now: the user asked (a retry button, a saved change). */
  function reload(entry: FiguresEntry<unknown>): Promise<void> {
    return load(entry as Entry<unknown>);
  }

  return { pushedKeys, holdKpis, holdLeaderboard, reload };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useFiguresStore, import.meta.hot));
