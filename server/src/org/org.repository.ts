/**
 * The organisation's rules that reach into other tables, as SQL in one place. A rep's move to
 * another team or territory is one of them: the admin screen (PATCH /api/reps/:id) and the reps
 * CSV import both call `beforeRepsMove`, so a moved rep's closed deals stay with the team they
 * were closed for whichever way the rep moved.
 */
import type { EntityManager } from 'typeorm';
import { countOpenDealsOf, pinClosedDealsOf } from '../deals/deals.repository.js';

export interface RepPlacement {
  id: string;
  teamId: string | null;
  territoryId: string | null;
}

/**
 * Call in the transaction that changes the reps, before it does: pins the closed deals of every
 * rep whose team or territory changes, and answers how many open deals move with each of them.
 */
export async function beforeRepsMove(manager: EntityManager, moves: { before: RepPlacement; after: RepPlacement }[]): Promise<Map<string, number>> {
  const moving = moves.filter(({ before, after }) => before.teamId !== after.teamId || before.territoryId !== after.territoryId).map(({ before }) => before.id);
  if (moving.length === 0) return new Map();
  await pinClosedDealsOf(manager, moving);
  const open = await countOpenDealsOf(manager, moving);
  return new Map(moving.map((id) => [id, open.get(id) ?? 0]));
}

/** Whether a row of this organisation table exists (a reference a write names must be there). */
export async function orgRecordExists(manager: EntityManager, table: 'reps' | 'accounts' | 'products' | 'teams' | 'territories', id: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  return rows.length > 0;
}
