import type { LoginInput, Me, TokenPairAnswer } from '@salesboard/shared';
import { getJson, postJson } from './http';

export function login(input: LoginInput): Promise<TokenPairAnswer> {
  return postJson<TokenPairAnswer>('/auth/login', input, { anonymous: true });
}

/** Rotates the refresh token: the one sent is spent, the answer carries its successor. */
export function refreshSession(refreshToken: string): Promise<TokenPairAnswer> {
  return postJson<TokenPairAnswer>('/auth/refresh', { refreshToken }, { anonymous: true });
}

export function logout(refreshToken: string): Promise<void> {
  return postJson<void>('/auth/logout', { refreshToken }, { anonymous: true });
}

export function fetchMe(signal?: AbortSignal): Promise<Me> {
  return getJson<Me>('/auth/me', { signal });
}
