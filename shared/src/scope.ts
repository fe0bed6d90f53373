/**
 * A scope: whose figures a screen, a query or a socket room is about. One module for the type,
 * its key (room names, `kpi.updated`'s `scope`, the client's figures store), its query
 * parameters (GET /api/kpis, `subscribe`) and the one rule of who may see figures of which scope,
 * so server and client never convert by hand or keep copies of the rule.
 */

export type Scope = { kind: 'all' } | { kind: 'team'; id: string } | { kind: 'territory'; id: string } | { kind: 'rep'; id: string };
export type ScopeKind = Scope['kind'];

/** A team's or a territory's, or the whole organisation: what a board (and a TV) can show. */
export type BoardScope = Exclude<Scope, { kind: 'rep' }>;

export const ALL_SCOPE: Scope = { kind: 'all' };

/** `all`, `team:<id>`, `territory:<id>`, `rep:<id>`. */
export function scopeKey(scope: Scope): string {
  return scope.kind === 'all' ? 'all' : `${scope.kind}:${scope.id}`;
}

/** The scope a key names, or null for anything `scopeKey` does not make. */
export function parseScopeKey(key: string): Scope | null {
  if (key === 'all') return ALL_SCOPE;
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const id = key.slice(colon + 1);
  if (colon < 0 || id === '') return null;
  return kind === 'team' || kind === 'territory' || kind === 'rep' ? { kind, id } : null;
}

/**
 * A scope as query parameters (GET /api/kpis, /api/deals, the socket's `subscribe`): no id is the
 * organisation. `subscribe` may give several ids at once, one room each.
 */
export interface ScopeQuery {
  teamId?: string;
  territoryId?: string;
  repId?: string;
}

export function scopeToQuery(scope: Scope): ScopeQuery {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'team':
      return { teamId: scope.id };
    case 'territory':
      return { territoryId: scope.id };
    case 'rep':
      return { repId: scope.id };
  }
}

/** The first given of team, territory and rep; none is the organisation. */
export function scopeFromQuery(query: ScopeQuery): Scope {
  if (query.teamId !== undefined) return { kind: 'team', id: query.teamId };
  if (query.territoryId !== undefined) return { kind: 'territory', id: query.territoryId };
  if (query.repId !== undefined) return { kind: 'rep', id: query.repId };
  return ALL_SCOPE;
}

/** Every scope a query names, in the order `subscribe` joins their rooms; none is the organisation. */
export function scopesOfQuery(query: ScopeQuery): Scope[] {
  const scopes: Scope[] = [];
  if (query.teamId !== undefined) scopes.push({ kind: 'team', id: query.teamId });
  if (query.territoryId !== undefined) scopes.push({ kind: 'territory', id: query.territoryId });
  if (query.repId !== undefined) scopes.push({ kind: 'rep', id: query.repId });
  return scopes.length ? scopes : [ALL_SCOPE];
}

/**
 * Who is looking, as far as figures go: what the server knows of a credential and the client of
 * the signed-in user (GET /api/auth/me) alike. `board` narrows a TV to its board's teams or
 * territory; `seesEveryDeal` is an admin, an integration or an organisation-wide TV.
 */
export interface FiguresViewer {
  role: string;
  repId: string | null;
  teamIds: readonly string[];
  seesEveryDeal: boolean;
  board?: { kind: 'teams'; ids: readonly string[] } | { kind: 'territory'; id: string } | null;
}

/**
 * The one figures-access rule (GET /api/kpis, its CSV, the socket's `subscribe`, the dashboard's
 * scope picker). KPIs are sums of deals, and stuck deals come with them: a manager reads their
 * teams' and their reps', a rep their own; the organisation's and a territory's (which crosses
 * teams) only those who see every deal. Leaderboards are not covered: everyone may see everyone's
 * standing.
 */
export function maySeeFiguresOf(viewer: FiguresViewer, scope: ScopeQuery, teamOfRep: (repId: string) => string | null): boolean {
  if (viewer.seesEveryDeal) return true;
  const board = viewer.board;
  if (board?.kind === 'territory') return scope.territoryId === board.id && !scope.teamId && !scope.repId;
  // A team's TV (or a manager's, paired without a board) reads its teams' figures as their manager does.
  if (board) return maySeeFiguresOf({ role: 'manager', repId: null, teamIds: board.ids, seesEveryDeal: false }, scope, teamOfRep);
  if (viewer.role === 'rep') return scope.repId !== undefined && scope.repId === viewer.repId && !scope.teamId && !scope.territoryId;
  if (viewer.role === 'manager') {
    if (scope.territoryId || (!scope.teamId && !scope.repId)) return false;
    const manages = (teamId: string | null) => teamId !== null && viewer.teamIds.includes(teamId);
    return (!scope.teamId || manages(scope.teamId)) && (!scope.repId || manages(teamOfRep(scope.repId)));
  }
  return false;
}
