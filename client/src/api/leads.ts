import type { KpisQueryInput, LeadsBySourceResponse } from '@salesboard/shared';
import { getJson } from './http';

/** Leads created in the period by source, with those converted: GET /api/leads/by-source. */
export function fetchLeadsBySource(query: KpisQueryInput, signal?: AbortSignal): Promise<LeadsBySourceResponse> {
  return getJson<LeadsBySourceResponse>('/leads/by-source', { query: { ...query }, signal });
}
