import type { EntityManager } from 'typeorm';
import type { BoardScope } from '@salesboard/shared';
import { type DisplayApprover, type DisplayScope, displayScopeOf, type Role } from '../auth/principal.js';

/** A paired display with what it may read, decided now: its board may have changed, its approver's teams too. */
export interface ScopedDisplay {
  id: string;
  name: string;
  boardId: string | null;
  scope: DisplayScope;
  approver: DisplayApprover;
  /** Who paired it, for the TV list; null once that user is deleted. */
  approverName: string | null;
}

interface ScopedDisplayRow {
  id: string;
  name: string;
  board_id: string | null;
  board_scope: BoardScope | null;
  approver_role: Role | null;
  approver_name: string | null;
  approver_team_ids: string[];
}

/**
 * Displays matching `where` (on `d`, the displays table), revoked ones included; `lock` holds
 * their rows for the caller's transaction. One query for the credential check, the revocation
 * rule (and the TV list's flags) and the watcher that drops TVs whose scope changed, so all read a scope alike.
 */
export async function findScopedDisplays(db: Pick<EntityManager, 'query'>, where: string, params: unknown[], lock = false): Promise<ScopedDisplay[]> {
  const rows: ScopedDisplayRow[] = await db.query(
    `SELECT d.id, d.name, d.board_id, b.scope AS board_scope, u.role AS approver_role, u.name AS approver_name,
            ARRAY(SELECT t.id::text FROM teams t WHERE u.role = 'manager' AND t.manager_user_id = u.id ORDER BY t.id) AS approver_team_ids
       FROM displays d LEFT JOIN boards b ON b.id = d.board_id LEFT JOIN users u ON u.id = d.paired_by
      WHERE ${where} ${lock ? 'FOR UPDATE OF d' : ''}`,
    params,
  );
  return rows.map((row) => {
    const approver = { role: row.approver_role, teamIds: row.approver_team_ids };
    return { id: row.id, name: row.name, boardId: row.board_id, scope: displayScopeOf(row.board_scope, approver), approver, approverName: row.approver_name };
  });
}
