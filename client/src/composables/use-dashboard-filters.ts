import { maySeeFiguresOf, PERIOD_KINDS, scopeFromQuery, scopeToQuery, type KpisQueryInput, type Me, type PeriodKind, type Scope } from '@salesboard/shared';
import { computed } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';
import { COMPARISON_KINDS, type ComparisonKind } from '@/composables/kpi-cards';
import { useOrgStore } from '@/stores/org';
import { figuresViewerOf, useSessionStore } from '@/stores/session';

/**
 * The dashboard's filters as they live in the URL, so a view can be shared and survives a reload:
 * `?period=quarter&team=<id>` or `?period=custom&from=2026-11-01&to=2026-11-15&rep=<id>`, and
 * `&compare=lastYear` for trends against the same span a year before instead of the previous period so far.
 * The KPI API takes one scope at a time, so team, territory and rep exclude each other.
 */
export interface DashboardFilters {
  period: PeriodKind;
  from: string | null;
  to: string | null;
  teamId: string | null;
  territoryId: string | null;
  repId: string | null;
  /** What every card's trend compares with. */
  compare: ComparisonKind;
}

/** The dashboard's scope: the shared Scope. */
export type ScopeFilter = Scope;

export const DEFAULT_PERIOD: PeriodKind = 'month';
export const DEFAULT_COMPARISON: ComparisonKind = 'previous';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[0-9a-f-]{36}$/i;

function single(value: LocationQuery[string]): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : null;
}

function isPeriod(value: string | null): value is PeriodKind {
  return value !== null && (PERIOD_KINDS as readonly string[]).includes(value);
}

/** Reads filters from a route query, ignoring what is malformed (a hand-edited URL must not break the page). */
export function filtersFromQuery(query: LocationQuery): DashboardFilters {
  const period = single(query.period);
  const date = (key: string) => {
    const value = single(query[key]);
    return value !== null && ISO_DATE.test(value) ? value : null;
  };
  const id = (key: string) => {
    const value = single(query[key]);
    return value !== null && ID.test(value) ? value : null;
  };
  const filters: DashboardFilters = {
    period: isPeriod(period) ? period : DEFAULT_PERIOD,
    from: date('from'),
    to: date('to'),
    teamId: id('team'),
    territoryId: null,
    repId: null,
    compare: (COMPARISON_KINDS as readonly (string | null)[]).includes(single(query.compare)) ? (single(query.compare) as ComparisonKind) : DEFAULT_COMPARISON,
  };
  // One scope: the first given of team, territory, rep.
  if (filters.teamId === null) filters.territoryId = id('territory');
  if (filters.teamId === null && filters.territoryId === null) filters.repId = id('rep');
  if (filters.period !== 'custom') {
    filters.from = null;
    filters.to = null;
  }
  return filters;
}

/** The query that stands for `filters`; defaults are left out so plain URLs stay plain. */
export function queryFromFilters(filters: DashboardFilters): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  if (filters.period !== DEFAULT_PERIOD) query.period = filters.period;
  if (filters.period === 'custom') {
    if (filters.from) query.from = filters.from;
    if (filters.to) query.to = filters.to;
  }
  if (filters.teamId) query.team = filters.teamId;
  else if (filters.territoryId) query.territory = filters.territoryId;
  else if (filters.repId) query.rep = filters.repId;
  if (filters.compare !== DEFAULT_COMPARISON) query.compare = filters.compare;
  return query;
}

export function scopeOf(filters: DashboardFilters): ScopeFilter {
  return scopeFromQuery({ teamId: filters.teamId ?? undefined, territoryId: filters.territoryId ?? undefined, repId: filters.repId ?? undefined });
}

/** The scope as query fields of /api/kpis and /api/deals. */
export const scopeQuery = scopeToQuery;

/** The custom range is incomplete or backwards: no query until it is fixed. */
export function rangeProblem(filters: DashboardFilters): 'missing' | 'reversed' | null {
  if (filters.period !== 'custom') return null;
  if (!filters.from || !filters.to) return 'missing';
  return filters.from > filters.to ? 'reversed' : null;
}

export function kpisQueryOf(filters: DashboardFilters, scope: ScopeFilter = scopeOf(filters)): KpisQueryInput | null {
  if (rangeProblem(filters)) return null;
  const period =
    filters.period === 'custom' ? { period: 'custom' as const, from: filters.from ?? undefined, to: filters.to ?? undefined } : { period: filters.period };
  return { ...period, ...scopeQuery(scope) };
}

/** Who is looking, as far as the figures they may read go. */
export type Viewer = Pick<Me, 'role' | 'repId' | 'teamIds'>;

/** The server's own rule for GET /api/kpis (shared), so the screen offers only what will answer. */
export function mayView(viewer: Viewer | null, scope: ScopeFilter, teamOfRep: (repId: string) => string | null): boolean {
  return maySeeFiguresOf(figuresViewerOf(viewer), scopeToQuery(scope), teamOfRep);
}

/** Where a viewer lands without a scope in the URL (or with one they may not read). */
export function defaultScopeFor(viewer: Viewer | null): ScopeFilter {
  if (viewer?.role === 'rep' && viewer.repId) return { kind: 'rep', id: viewer.repId };
  if (viewer?.role === 'manager' && viewer.teamIds.length > 0) return { kind: 'team', id: viewer.teamIds[0] };
  return { kind: 'all' };
}

export function useDashboardFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed(() => filtersFromQuery(route.query));

  /** Changes some filters; a new scope replaces the old one. Replaces the history entry. */
  function update(patch: Partial<DashboardFilters>): Promise<unknown> {
    const next = { ...filters.value, ...patch };
    if (patch.teamId) Object.assign(next, { territoryId: null, repId: null });
    if (patch.territoryId) Object.assign(next, { teamId: null, repId: null });
    if (patch.repId) Object.assign(next, { teamId: null, territoryId: null });
    // Keep what is not a filter (?lang=…) as it was.
    const others = Object.fromEntries(Object.entries(route.query).filter(([key]) => !['period', 'from', 'to', 'team', 'territory', 'rep', 'compare'].includes(key)));
    return router.replace({ query: { ...others, ...queryFromFilters(next) } });
  }

  function setScope(scope: ScopeFilter): Promise<unknown> {
    return update({
      teamId: scope.kind === 'team' ? scope.id : null,
      territoryId: scope.kind === 'territory' ? scope.id : null,
      repId: scope.kind === 'rep' ? scope.id : null,
    });
  }

  const session = useSessionStore();
  const org = useOrgStore();
  const teamOfRep = (repId: string) => org.repsById.get(repId)?.teamId ?? null;
  const viewer = computed<Viewer | null>(() => session.me);
  /** The scope of the URL when this viewer may read it, else theirs: a manager opens on their team. */
  const scope = computed(() => {
    const asked = scopeOf(filters.value);
    return mayView(viewer.value, asked, teamOfRep) ? asked : defaultScopeFor(viewer.value);
  });
  const kpisQuery = computed(() => kpisQueryOf(filters.value, scope.value));
  const mayViewScope = (candidate: ScopeFilter) => mayView(viewer.value, candidate, teamOfRep);

  return { filters, scope, kpisQuery, update, setScope, mayViewScope };
}
