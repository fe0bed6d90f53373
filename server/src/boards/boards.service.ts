import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Board, BoardInput } from '@salesboard/shared';
import { conflict, notFound } from '../common/errors.js';

interface BoardRow {
  id: string;
  name: string;
  scenes: Board['scenes'];
  scope: Board['scope'];
  sound: boolean;
}

const mapBoard = (r: BoardRow): Board => ({ id: r.id, name: r.name, scenes: r.scenes, scope: r.scope, sound: r.sound });

/** Wallboard playlists: which scenes, how long each, for which part of the organisation. */
@Injectable()
export class BoardsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<Board[]> {
    return (await this.dataSource.query<BoardRow[]>('SELECT id, name, scenes, scope, sound FROM boards ORDER BY name')).map(mapBoard);
  }

  async get(id: string): Promise<Board> {
    const [row] = await this.dataSource.query<BoardRow[]>('SELECT id, name, scenes, scope, sound FROM boards WHERE id = $1', [id]);
    if (!row) throw notFound('board', id);
    return mapBoard(row);
  }

  async create(input: BoardInput): Promise<Board> {
    try {
      const [row] = await this.dataSource.query<BoardRow[]>(
        'INSERT INTO boards (name, scenes, scope, sound) VALUES ($1, $2, $3, $4) RETURNING id, name, scenes, scope, sound',
        [input.name, JSON.stringify(input.scenes), JSON.stringify(input.scope ?? { kind: 'all' }), input.sound ?? false],
      );
      return mapBoard(row);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`name: a board called ${input.name} already exists`);
      throw error;
    }
  }

  async update(id: string, input: BoardInput): Promise<Board> {
    const [rows] = await this.dataSource.query<[BoardRow[], number]>(
      'UPDATE boards SET name = $2, scenes = $3, scope = $4, sound = $5, updated_at = now() WHERE id = $1 RETURNING id, name, scenes, scope, sound',
      [id, input.name, JSON.stringify(input.scenes), JSON.stringify(input.scope ?? { kind: 'all' }), input.sound ?? false],
    );
    if (!rows?.length) throw notFound('board', id);
    return mapBoard(rows[0]);
  }
}
