import type { Board } from '@salesboard/shared';
import { getJson } from './http';

export function listBoards(signal?: AbortSignal): Promise<Board[]> {
  return getJson<Board[]>('/boards', { signal });
}

export function fetchBoard(id: string, signal?: AbortSignal): Promise<Board> {
  return getJson<Board>(`/boards/${encodeURIComponent(id)}`, { signal });
}
