import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Board, BoardInput } from '@salesboard/shared';
import { changedFields, writeAudit } from '../auth/audit.service.js';
import type { AuditedChange } from '../auth/audited-change.decorator.js';
import { conflict, notFound } from '../common/errors.js';
import { EventWriter } from '../events/event-writer.service.js';
import { BOARD_ORDER } from './board-order.js';

interface BoardRow {
  id: string;
  name: string;
  scenes: Board['scenes'];
  scope: Board['scope'];
  sound: boolean;
}

const mapBoard = (r: BoardRow): Board => ({ id: r.id, name: r.name, scenes: r.scenes, scope: r.scope, sound: r.sound });
const COLUMNS = 'id, name, scenes, scope, sound';

/** Wallboard playlists: which scenes, how long each, for which part of the organisation. */
@Injectable()
export class BoardsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
  ) {}

  async list(): Promise<Board[]> {
    return (await this.dataSource.query<BoardRow[]>(`SELECT ${COLUMNS} FROM boards ORDER BY ${BOARD_ORDER}`)).map(mapBoard);
  }

  async get(id: string): Promise<Board> {
    const [row] = await this.dataSource.query<BoardRow[]>(`SELECT ${COLUMNS} FROM boards WHERE id = $1`, [id]);
    if (!row) throw notFound('board', id);
    return mapBoard(row);
  }

  create(input: BoardInput, change: AuditedChange): Promise<Board> {
    return this.change(change, 'create', input.name, async (m) => {
      const [row] = await m.query<BoardRow[]>(`INSERT INTO boards (name, scenes, scope, sound) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [
        input.name,
        JSON.stringify(input.scenes),
        JSON.stringify(input.scope ?? { kind: 'all' }),
        input.sound ?? false,
      ]);
      const board = mapBoard(row);
      return { board, details: changedFields(null, board) };
    });
  }

  update(id: string, input: BoardInput, change: AuditedChange): Promise<Board> {
    return this.change(change, 'update', input.name, async (m) => {
      const [before] = await m.query<BoardRow[]>(`SELECT ${COLUMNS} FROM boards WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw notFound('board', id);
      const [rows] = await m.query<[BoardRow[], number]>(
        `UPDATE boards SET name = $2, scenes = $3, scope = $4, sound = $5, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, input.name, JSON.stringify(input.scenes), JSON.stringify(input.scope ?? { kind: 'all' }), input.sound ?? false],
      );
      const board = mapBoard(rows[0]);
      return { board, details: changedFields(mapBoard(before), board) };
    });
  }

  /** The displays showing it fall back to the default board (boardId null) and hear of it through org.changed. */
  remove(id: string, change: AuditedChange): Promise<Board> {
    return this.change(change, 'delete', id, async (m) => {
      const [before] = await m.query<BoardRow[]>(`SELECT ${COLUMNS} FROM boards WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw notFound('board', id);
      const [displays] = await m.query<[{ id: string }[], number]>('UPDATE displays SET board_id = NULL WHERE board_id = $1 RETURNING id', [id]);
      await m.query('DELETE FROM boards WHERE id = $1', [id]);
      const board = mapBoard(before);
      return { board, details: { ...changedFields(board, null), displaysMovedToDefault: displays.map((d) => d.id) } };
    });
  }

  private async change(
    change: AuditedChange,
    verb: 'create' | 'update' | 'delete',
    name: string,
    work: (manager: EntityManager) => Promise<{ board: Board; details: Record<string, unknown> }>,
  ): Promise<Board> {
    try {
      return await this.writer.transaction(change, async (tx) => {
        const { board, details } = await work(tx.manager);
        await writeAudit(tx.manager, change, { action: `board.${verb}`, target: `board:${board.id}`, details });
        tx.emit('org.changed', { entity: 'board', id: board.id, name: board.name });
        return board;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`name: a board called ${name} already exists`);
      throw error;
    }
  }
}
