import { type BoardScope, type DisplayRevokeRefusal, type FiguresViewer, scopeToQuery, type WithoutBoardReads } from '@salesboard/shared';

/**
 * Who is calling, resolved once per request or socket from its credential. The access rules
 * of the product are written here, as functions of the principal, so REST and the socket
 * apply the same ones.
 */
export type Role = 'admin' | 'manager' | 'rep' | 'display' | 'integration';
export type ApiKeyScope = 'read' | 'write' | 'webhooks';

export interface Principal {
  kind: 'user' | 'display' | 'apiKey' | 'anonymous';
  id: string;
  name: string;
  role: Role;
  /** For a rep: the rep record their deals belong to. */
  repId: string | null;
  /** For a manager: the teams they manage. */
  teamIds: string[];
  /** For a display: the board it was paired to. */
  boardId: string | null;
  /**
   * For a display: all it may read (displayScopeOf). Absent or `all`: the whole organisation; a
   * team's or a territory's board shows that team's or territory's deals only.
   */
  boardScope?: DisplayScope;
  /** For an API key. */
  scopes: ApiKeyScope[];
}

/**
 * What a display may read: its board's scope, or without a board its approver's, which for a
 * manager is their several teams (read as that manager reads them, never more).
 */
export type DisplayScope = BoardScope | { kind: 'teams'; ids: string[] };

/** Who approved a display's pairing, as they stand now: their role and the teams they manage. */
export interface DisplayApprover {
  role: Role | null;
  teamIds: string[];
}

/**
 * A TV reads what its board shows; without a board, what the person who paired it sees (an
 * admin everything, a manager their teams, anyone else, or a user since deleted, nothing).
 */
export function displayScopeOf(board: BoardScope | null, approver: DisplayApprover): DisplayScope {
  if (board) return board;
  if (approver.role === 'admin') return { kind: 'all' };
  return { kind: 'teams', ids: approver.role === 'manager' ? approver.teamIds : [] };
}

/** What a TV this principal pairs without a board would read (displayScopeOf), as the pairing page words it. */
export function withoutBoardReadsFor(principal: Principal): WithoutBoardReads {
  const scope = displayScopeOf(null, { role: principal.role, teamIds: principal.teamIds });
  return scope.kind === 'all' ? 'everything' : scope.kind === 'teams' && scope.ids.length > 0 ? 'yourTeams' : 'nothing';
}

/** The teams a display's scope lies within; null for the whole organisation or a territory (which crosses teams). */
function teamsOfScope(scope: DisplayScope): string[] | null {
  return scope.kind === 'team' ? [scope.id] : scope.kind === 'teams' ? scope.ids : null;
}

/** An admin pairs a TV to any board; a manager only to a board of one of their teams. */
export function mayPairTo(principal: Principal, board: BoardScope): boolean {
  if (principal.role === 'admin') return true;
  return principal.role === 'manager' && board.kind === 'team' && principal.teamIds.includes(board.id);
}

/**
 * An admin revokes any display; a manager one that no admin paired and that reads only their
 * teams (a TV they could have paired themselves). Null when the principal may; else why not, in
 * the words the TV list shows and the 403 says.
 */
export function revokeRefusalOf(principal: Principal, display: { scope: DisplayScope; approver: DisplayApprover }): DisplayRevokeRefusal | null {
  if (principal.role === 'admin') return null;
  if (display.approver.role === 'admin') return 'pairedByAdmin';
  const teams = teamsOfScope(display.scope);
  const withinTheirTeams = principal.role === 'manager' && teams !== null && teams.every((teamId) => principal.teamIds.includes(teamId));
  return withinTheirTeams ? null : 'readsBeyondYourTeams';
}

/**
 * Whether a credential may read at all (REST reads, the socket, its snapshot and resync): every
 * role may, an API key only with the read or the write scope (a `webhooks` key may not).
 */
export function readsData(principal: Principal): boolean {
  return principal.role !== 'integration' || principal.scopes.includes('read') || principal.scopes.includes('write');
}

export const READ_SCOPE_MISSING = 'authorization: this API key lacks the read scope';

/** The facts about a deal that decide who may see or change it. */
export interface DealOwnership {
  ownerId: string;
  teamId: string | null;
  territoryId?: string | null;
}

/** A display limited to some teams (a team's board is one) or to a territory; null for every other credential. */
export function narrowBoard(principal: Principal): { kind: 'teams'; ids: string[] } | { kind: 'territory'; id: string } | null {
  const scope = principal.role === 'display' ? principal.boardScope : undefined;
  if (!scope || scope.kind === 'all') return null;
  return scope.kind === 'team' ? { kind: 'teams', ids: [scope.id] } : scope;
}

/** Admins, integrations and org-wide displays see all; a manager their teams'; a rep their own; a team's TV its team's. */
export function canSeeDeal(principal: Principal, deal: DealOwnership): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'display': {
      const board = narrowBoard(principal);
      if (!board) return true;
      if (board.kind === 'territory') return deal.territoryId === board.id;
      return deal.teamId !== null && board.ids.includes(deal.teamId);
    }
    case 'integration':
      return readsData(principal);
    case 'manager':
      return deal.teamId !== null && principal.teamIds.includes(deal.teamId);
    case 'rep':
      return principal.repId === deal.ownerId;
  }
}

/** Whether the caller may see every deal: then an unknown id can honestly be a 404. */
export function seesEveryDeal(principal: Principal): boolean {
  if (principal.role === 'integration') return readsData(principal);
  return principal.role === 'admin' || (principal.role === 'display' && narrowBoard(principal) === null);
}

/**
 * Whose deals a principal may change, as data: the database checks the same rule inside the
 * one-statement stage change (deal_change_stage), so it is written once, here.
 */
export interface DealWriteRights {
  any: boolean;
  repId: string | null;
  teamIds: string[];
}

/** Reps change their own deals, managers their teams', admins and write keys all; displays nothing. */
export function dealWriteRights(principal: Principal): DealWriteRights {
  const none: DealWriteRights = { any: false, repId: null, teamIds: [] };
  switch (principal.role) {
    case 'admin':
      return { ...none, any: true };
    case 'integration':
      return { ...none, any: principal.scopes.includes('write') };
    case 'manager':
      return { ...none, teamIds: principal.teamIds };
    case 'rep':
      return { ...none, repId: principal.repId };
    case 'display':
      return none;
  }
}

export function canWriteDeal(principal: Principal, deal: DealOwnership): boolean {
  const rights = dealWriteRights(principal);
  return rights.any || (rights.repId !== null && rights.repId === deal.ownerId) || (deal.teamId !== null && rights.teamIds.includes(deal.teamId));
}

/** The same rules for activities and quotas, which belong to a rep (in a team) or to a team. */
export function canWriteFor(principal: Principal, target: { repId: string | null; teamId: string | null }): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role === 'integration') return principal.scopes.includes('write');
  if (principal.role === 'manager') return target.teamId !== null && principal.teamIds.includes(target.teamId);
  if (principal.role === 'rep') return target.repId !== null && principal.repId === target.repId;
  return false;
}

/**
 * The scope as query parameters. Kept under this name for ingest/export (another branch of
 * issue #14 owns it); new code calls the shared `scopeToQuery`.
 */
export const figuresScopeOf = scopeToQuery;

export const FIGURES_FORBIDDEN = 'authorization: this credential may not see the figures of that scope';

/** What the shared figures rule (`maySeeFiguresOf`) needs to know of a credential. */
export function figuresViewerOf(principal: Principal): FiguresViewer {
  return { role: principal.role, repId: principal.repId, teamIds: principal.teamIds, seesEveryDeal: seesEveryDeal(principal), board: narrowBoard(principal) };
}

export const SYSTEM_PRINCIPAL: Principal = {
  kind: 'user',
  id: 'system',
  name: 'system',
  role: 'admin',
  repId: null,
  teamIds: [],
  boardId: null,
  scopes: [],
};
