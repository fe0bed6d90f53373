import type { Board, BoardInput } from '@salesboard/shared';
import { deleteJson, getJson, postJson, putJson } from './http';

export function listBoards(signal?: AbortSignal): Promise<Board[]> {
  return getJson<Board[]>('/boards', { signal });
}

export function fetchBoard(id: string, signal?: AbortSignal): Promise<Board> {
  return getJson<Board>(`/boards/${encodeURIComponent(id)}`, { signal });
}

export function createBoard(input: BoardInput): Promise<Board> {
  return postJson<Board>('/boards', input);
}

/** Replaces the whole board: name, scenes, scope and sound. */
export function updateBoard(id: string, input: BoardInput): Promise<Board> {
  return putJson<Board>(`/boards/${encodeURIComponent(id)}`, input);
}

/** Displays paired to the board fall back to the default board. */
export function deleteBoard(id: string): Promise<void> {
  return deleteJson<void>(`/boards/${encodeURIComponent(id)}`);
}
