import type { Display, ListedDisplay, PairingApproveInput, PairingBoards, PairingPoll, PairingStart } from '@salesboard/shared';
import { deleteJson, getJson, postJson } from './http';

/** The TV asks for a code to show (RFC 8628 device authorisation); no credential needed. */
export function startPairing(): Promise<PairingStart> {
  return postJson<PairingStart>('/pairing', undefined, { anonymous: true });
}

/** The TV polls with its secret device code until a person approves it. */
export function pollPairing(deviceCode: string): Promise<PairingPoll> {
  return postJson<PairingPoll>('/pairing/token', { deviceCode }, { anonymous: true });
}

/** A manager enters the code the TV shows, names the TV and picks its board. */
export function approvePairing(input: PairingApproveInput): Promise<Display> {
  return postJson<Display>('/pairing/approve', input);
}

/** The boards the server lets this user pair a TV to, and what a TV without a board would read. */
export function listPairableBoards(signal?: AbortSignal): Promise<PairingBoards> {
  return getJson<PairingBoards>('/pairing/boards', { signal });
}

/** Each display says whether this user may revoke it, and why not. */
export function listDisplays(): Promise<ListedDisplay[]> {
  return getJson<ListedDisplay[]>('/displays');
}

export function revokeDisplay(id: string): Promise<Display> {
  return deleteJson<Display>(`/displays/${encodeURIComponent(id)}`);
}
