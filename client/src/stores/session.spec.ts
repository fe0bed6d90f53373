import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, getJson, postJson } from '@/api/http';
import { STORAGE_KEYS, useSessionStore } from './session';

interface Call {
  url: string;
  method: string;
  authorization: string | null;
  body: unknown;
  idempotencyKey: string | null;
}

/**
 * A fake server behind `fetch`: access tokens `access-N` are valid from `validFrom` on, refresh
 * tokens rotate (each may be used once), and every call is recorded.
 */
function fakeServer(options: { validAccess: Set<string>; refreshable: Set<string> }) {
  const calls: Call[] = [];
  let issued = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init.method ?? 'GET', authorization: headers.get('Authorization'), body, idempotencyKey: headers.get('Idempotency-Key') });
    if (url === '/api/auth/refresh') {
      const token = (body as { refreshToken: string }).refreshToken;
      if (!options.refreshable.delete(token)) return json(401, { statusCode: 401, error: 'Unauthorized', message: 'refreshToken: already used' });
      issued += 1;
      const pair = { accessToken: `access-new-${issued}`, refreshToken: `refresh-new-${issued}`, expiresIn: 900, tokenType: 'Bearer' };
      options.validAccess.add(pair.accessToken);
      options.refreshable.add(pair.refreshToken);
      return json(200, pair);
    }
    const bearer = headers.get('Authorization')?.replace('Bearer ', '') ?? null;
    if (bearer === null || !options.validAccess.has(bearer)) {
      return json(401, { statusCode: 401, error: 'Unauthorized', message: 'authorization: missing, malformed or expired credential' });
    }
    return json(200, { ok: true, url });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

function signedIn(access: string, refresh: string): void {
  localStorage.setItem(STORAGE_KEYS.access, access);
  localStorage.setItem(STORAGE_KEYS.refresh, refresh);
}

describe('session store and the HTTP client', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });
  afterEach(() => localStorage.clear());

  it('sends the stored access token as a bearer', async () => {
    signedIn('access-1', 'refresh-1');
    const server = fakeServer({ validAccess: new Set(['access-1']), refreshable: new Set(['refresh-1']) });
    useSessionStore();

    await getJson('/kpis');

    expect(server.calls.map((call) => call.authorization)).toEqual(['Bearer access-1']);
  });

  it('refreshes once after a 401, retries with the new token and keeps the rotated refresh token', async () => {
    signedIn('access-expired', 'refresh-1');
    const server = fakeServer({ validAccess: new Set(), refreshable: new Set(['refresh-1']) });
    const session = useSessionStore();

    const answer = await getJson<{ ok: boolean }>('/kpis');

    expect(answer.ok).toBe(true);
    expect(server.calls.map((call) => `${call.method} ${call.url} ${call.authorization ?? '-'}`)).toEqual([
      'GET /api/kpis Bearer access-expired',
      'POST /api/auth/refresh -',
      'GET /api/kpis Bearer access-new-1',
    ]);
    expect(server.calls[1].body).toEqual({ refreshToken: 'refresh-1' });
    expect(session.accessToken).toBe('access-new-1');
    expect(localStorage.getItem(STORAGE_KEYS.refresh)).toBe('refresh-new-1');
  });

  it('shares one refresh between requests that fail together, so a rotated token is never spent twice', async () => {
    signedIn('access-expired', 'refresh-1');
    const server = fakeServer({ validAccess: new Set(), refreshable: new Set(['refresh-1']) });
    useSessionStore();

    await Promise.all([getJson('/kpis'), getJson('/leaderboard'), getJson('/deals')]);

    expect(server.calls.filter((call) => call.url === '/api/auth/refresh')).toHaveLength(1);
    expect(server.calls.filter((call) => call.authorization === 'Bearer access-new-1')).toHaveLength(3);
  });

  it('signs out when the refresh token is refused, and the request fails with the 401', async () => {
    signedIn('access-expired', 'refresh-spent');
    fakeServer({ validAccess: new Set(), refreshable: new Set() });
    const session = useSessionStore();

    const failure = await getJson('/kpis').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiRequestError);
    expect((failure as ApiRequestError).status).toBe(401);
    expect(session.loggedIn).toBe(false);
    expect(localStorage.getItem(STORAGE_KEYS.access)).toBeNull();
    expect(localStorage.getItem(STORAGE_KEYS.refresh)).toBeNull();
  });

  it('retries a write with the same Idempotency-Key, so a write that did land is not made twice', async () => {
    signedIn('access-expired', 'refresh-1');
    const server = fakeServer({ validAccess: new Set(), refreshable: new Set(['refresh-1']) });
    useSessionStore();

    await postJson('/deals/d1/stage', { stage: 'won' });

    const writes = server.calls.filter((call) => call.url === '/api/deals/d1/stage');
    expect(writes).toHaveLength(2);
    expect(writes[0].idempotencyKey).toBeTruthy();
    expect(writes[1].idempotencyKey).toBe(writes[0].idempotencyKey);
  });

  it('forgets a revoked display credential instead of trying to refresh it', async () => {
    localStorage.setItem(STORAGE_KEYS.display, 'sbd_revoked');
    const server = fakeServer({ validAccess: new Set(), refreshable: new Set() });
    const session = useSessionStore();

    await expect(getJson('/snapshot')).rejects.toBeInstanceOf(ApiRequestError);

    expect(server.calls.map((call) => call.url)).toEqual(['/api/snapshot']);
    expect(session.displayToken).toBeNull();
    expect(localStorage.getItem(STORAGE_KEYS.display)).toBeNull();
  });

  it('sends no credential at all when there is none (public reads in the demo)', async () => {
    const server = fakeServer({ validAccess: new Set(), refreshable: new Set() });
    useSessionStore();

    await getJson('/kpis').catch(() => undefined);

    expect(server.calls).toHaveLength(1);
    expect(server.calls[0].authorization).toBeNull();
  });

  it('logs in, keeps both tokens and loads who the person is', async () => {
    const me = { kind: 'user', id: 'u1', name: 'Hendra Wijaya', role: 'manager', repId: null, teamIds: ['t1'], boardId: null };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url === '/api/auth/login'
          ? new Response(JSON.stringify({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 900, tokenType: 'Bearer' }))
          : new Response(JSON.stringify(me)),
      ),
    );
    const session = useSessionStore();

    await session.login('hendra@example.com', 'a long password');

    expect(session.loggedIn).toBe(true);
    expect(session.me?.name).toBe('Hendra Wijaya');
    expect(session.canManage).toBe(true);
    expect(localStorage.getItem(STORAGE_KEYS.refresh)).toBe('r1');
  });
});
