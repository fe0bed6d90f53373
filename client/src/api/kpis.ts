import type { KpisQueryInput, KpisResponse, LeaderboardQueryInput, LeaderboardResponse } from '@salesboard/shared';
import { getJson } from './http';

export function fetchKpis(query: KpisQueryInput, signal?: AbortSignal): Promise<KpisResponse> {
  return getJson<KpisResponse>('/kpis', { query: { ...query }, signal });
}

export function fetchLeaderboard(query: LeaderboardQueryInput, signal?: AbortSignal): Promise<LeaderboardResponse> {
  return getJson<LeaderboardResponse>('/leaderboard', { query: { ...query }, signal });
}
