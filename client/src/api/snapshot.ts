import type { Snapshot } from '@salesboard/shared';
import { getJson } from './http';

/** The same snapshot a socket receives on connect; used when a resync cannot replay. */
export function fetchSnapshot(signal?: AbortSignal): Promise<Snapshot> {
  return getJson<Snapshot>('/snapshot', { signal });
}
