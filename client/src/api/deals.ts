import type { ChangeStageInput, Deal, DealHistoryEntry, DealsQuery, UpdateDealInput } from '@salesboard/shared';
import { getJson, patchJson, postJson } from './http';

/** The server's page size limit for GET /api/deals. */
export const DEALS_PAGE_LIMIT = 1000;

export function listDeals(query: DealsQuery, signal?: AbortSignal): Promise<Deal[]> {
  return getJson<Deal[]>('/deals', { query: { ...query }, signal });
}

/**
 * Every deal matching `query`, page by page, up to `maxPages` pages. The list endpoint has no
 * date filter, so callers that need a period filter client-side and may see a truncated answer.
 */
export async function listAllDeals(
  query: Omit<DealsQuery, 'limit' | 'offset'>,
  signal?: AbortSignal,
  maxPages = 5,
): Promise<{ deals: Deal[]; truncated: boolean }> {
  const deals: Deal[] = [];
  for (let page = 0; page < maxPages; page += 1) {
    const batch = await listDeals({ ...query, limit: DEALS_PAGE_LIMIT, offset: page * DEALS_PAGE_LIMIT }, signal);
    deals.push(...batch);
    if (batch.length < DEALS_PAGE_LIMIT) return { deals, truncated: false };
  }
  return { deals, truncated: true };
}

export function fetchDeal(id: string, signal?: AbortSignal): Promise<Deal> {
  return getJson<Deal>(`/deals/${encodeURIComponent(id)}`, { signal });
}

/** Who changed the deal and how, oldest first. */
export function fetchDealHistory(id: string, signal?: AbortSignal): Promise<DealHistoryEntry[]> {
  return getJson<DealHistoryEntry[]>(`/deals/${encodeURIComponent(id)}/history`, { signal });
}

export function changeDealStage(id: string, input: ChangeStageInput): Promise<Deal> {
  return postJson<Deal>(`/deals/${encodeURIComponent(id)}/stage`, input);
}

export function updateDeal(id: string, input: UpdateDealInput): Promise<Deal> {
  return patchJson<Deal>(`/deals/${encodeURIComponent(id)}`, input);
}
