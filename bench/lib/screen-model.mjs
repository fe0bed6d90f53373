/**
 * What one real screen asks of the server: the socket messages it sends and the REST calls it
 * makes, when, and in reaction to which pushed events. The `floor` scenario runs thousands of
 * these in the swarm workers; nothing else in the bench knows how the client behaves, so when
 * the client changes (figures pushed, not pulled), this file is the one to change with it.
 *
 * Mapped from the client as it is (paths under client/src/). Figures are pushed, not pulled
 * (issue #14): stores/figures.ts loads each figure once over REST, after the server accepted the
 * socket's `subscribe`, then applies `kpi.updated` / `leaderboard.updated`; it asks REST again only
 * after a resync or a snapshot past the first (a gap), which this model runs as `snapshot()`.
 * Deal lists (composables/use-deal-list.ts) follow the deal events the same way.
 * - views/WallboardView.vue (a TV at /tv, paired to a board): `month` and `quarter` KPIs of the
 *   board's scope; a team's or territory's board also its revenue leaderboard of the month.
 *   composables/use-wallboard-board.ts: GET /api/boards/:id at start, every 5 minutes and on
 *   `org.changed` of that board. session.loadMe() at start (GET /api/auth/me).
 *   composables/use-version-watch.ts: GET /index.html every 3 minutes (not /api: counted apart).
 * - views/DashboardView.vue (a manager at /, on their team: use-dashboard-filters.ts defaultScopeFor):
 *   the month's KPIs, the previous equal period's (a custom range: loaded once), the revenue
 *   leaderboard of the team, the team's won deals (one /api/deals page per won stage).
 *   stores/org.ts: teams, territories, reps and stages at start, again 300 ms after an
 *   `org.changed` of one of them. session.loadMe() at start.
 * - stores/board.ts: events are applied once, in seq order; `event.hidden` (another team's deal,
 *   for a manager) only advances the seq and tells no listener, so it causes no reload;
 *   `deals.imported` and `org.changed` of a team, territory, rep or stage fetch a snapshot
 *   (GET /api/snapshot). stores/live.ts resyncs over the socket on a gap: not modelled, as the
 *   server delivers in order; the worker counts gaps so one would show.
 */

/** A reload after a gap runs at once (stores/figures.ts): no throttle, no timer. */
const THROTTLE_MS = 0;
/** use-wallboard-board.ts BOARD_REFRESH_MS. */
const BOARD_REFRESH_MS = 5 * 60_000;
/** use-version-watch.ts VERSION_CHECK_MS. */
const VERSION_CHECK_MS = 3 * 60_000;
/** stores/org.ts RELOAD_DELAY_MS. */
const ORG_RELOAD_DELAY_MS = 300;
/** stores/board.ts SNAPSHOT_ENTITIES and stores/org.ts HELD. */
const ORG_LISTS = new Set(['team', 'territory', 'rep', 'stage']);

/** `/api/kpis?period=month&teamId=…`, as api/http.ts apiUrl builds it (keys in object order). */
export function apiPath(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

/**
 * The queries and timers of one screen, from a spec the driver prepares:
 * `{ kind: 'tv', boardId, teamId? }` or `{ kind: 'dashboard', teamId, previous: { from, to }, wonStages }`.
 */
export function screenPlan(spec) {
  const scope = spec.teamId ? { teamId: spec.teamId } : {};
  if (spec.kind === 'tv') {
    const boardScope = spec.teamId ? `team:${spec.teamId}` : 'all';
    const queries = [
      {
        name: 'kpis',
        path: apiPath('/kpis', { period: 'month', ...scope }),
      },
      {
        name: 'kpis',
        path: apiPath('/kpis', { period: 'quarter', ...scope }),
      },
    ];
    if (spec.teamId)
      queries.push({
        name: 'leaderboard',
        path: apiPath('/leaderboard', { metric: 'revenue', period: 'month', ...scope }),
      });
    return {
      // stores/figures.ts asks for the live periods and the boards it holds: the board scope's month
      // boards of revenue (the race), won and attainment (a win's standing, use-win-celebrations.ts).
      subscribe: { ...scope, periods: ['month', 'quarter'], boards: ['attainment', 'revenue', 'won'].map((metric) => `${metric}|month|${boardScope}`) },
      startup: [apiPath('/auth/me')],
      queries,
      board: apiPath(`/boards/${spec.boardId}`),
      timers: [
        { name: 'board', path: apiPath(`/boards/${spec.boardId}`), everyMs: BOARD_REFRESH_MS },
        { name: 'version', path: '/index.html', everyMs: VERSION_CHECK_MS, notApi: true },
      ],
      orgLists: null,
    };
  }
  const queries = [
    { name: 'kpis', path: apiPath('/kpis', { period: 'month', ...scope }) },
    { name: 'kpis', path: apiPath('/kpis', { period: 'custom', from: spec.previous.from, to: spec.previous.to, ...scope }) },
    { name: 'leaderboard', path: apiPath('/leaderboard', { period: 'month', ...scope, metric: 'revenue' }) },
    ...spec.wonStages.map((stage) => ({ name: 'deals', path: apiPath('/deals', { stage, ...scope, limit: 1000, offset: 0 }) })),
  ];
  return {
    subscribe: { ...scope, periods: ['month'], boards: [`revenue|month|${spec.teamId ? `team:${spec.teamId}` : 'all'}`] },
    startup: [apiPath('/auth/me')],
    queries,
    board: null,
    timers: [],
    orgLists: ['/teams', '/territories', '/reps', '/stages'].map((path) => apiPath(path)),
  };
}

/**
 * One screen at run time. `get(name, path, done?)` issues a GET, calls `done` when it ends and
 * returns `{ abort() }`; the screen calls it exactly when the client would. `event({ type, entity, id })` for every logged event
 * applied in order (never `event.hidden`) and every derived one; `snapshot()` for each snapshot.
 */
export function screen(spec, get) {
  const plan = screenPlan(spec);
  const timers = [];
  let orgTimer = null;
  const every = (ms, fn) => timers.push(setInterval(fn, ms));

  const queries = plan.queries.map((query) => ({ ...query, throttleMs: THROTTLE_MS, lastStart: -Infinity, pending: null, inFlight: null }));
  let snapshots = 0;

  function reload(query) {
    clearTimeout(query.pending);
    query.pending = null;
    query.inFlight?.abort();
    query.lastStart = Date.now();
    query.inFlight = get(query.name, query.path, () => (query.inFlight = null));
  }

  function requestReload(query) {
    if (query.pending) return;
    query.pending = setTimeout(() => reload(query), Math.max(0, query.lastStart + query.throttleMs - Date.now()));
  }

  const loadOrg = () => plan.orgLists?.forEach((path) => get('org', path));

  return {
    subscribe: plan.subscribe,
    /** The page opened: what it loads before any event. */
    start() {
      for (const path of plan.startup) get('me', path);
      if (plan.board) get('board', plan.board);
      loadOrg();
      for (const query of queries) reload(query);
      for (const timer of plan.timers) every(timer.everyMs, () => get(timer.notApi ? 'page' : timer.name, timer.path));
    },
    /** The first snapshot comes with the page; a later one follows a gap, after which figures load afresh. */
    snapshot() {
      snapshots += 1;
      if (snapshots > 1) for (const query of queries) requestReload(query);
    },
    event(e) {
      if (e.type === 'deals.imported' || (e.type === 'org.changed' && ORG_LISTS.has(e.entity))) get('snapshot', apiPath('/snapshot'));
      if (e.type === 'org.changed' && e.entity === 'board' && plan.board && plan.board.endsWith(`/${e.id}`)) get('board', plan.board);
      if (e.type === 'org.changed' && ORG_LISTS.has(e.entity) && plan.orgLists && !orgTimer)
        orgTimer = setTimeout(() => {
          orgTimer = null;
          loadOrg();
        }, ORG_RELOAD_DELAY_MS);
    },
    stop() {
      for (const timer of timers) clearInterval(timer);
      clearTimeout(orgTimer);
      for (const query of queries) {
        clearTimeout(query.pending);
        query.inFlight?.abort();
      }
    },
  };
}
