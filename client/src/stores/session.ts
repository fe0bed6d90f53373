import type { FiguresViewer, Me, TokenPairAnswer } from '@salesboard/shared';
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { fetchMe, login as loginCall, logout as logoutCall, refreshSession } from '@/api/auth';
import { ApiRequestError, setAuthBridge } from '@/api/http';

/** Where the credentials live between visits; a TV keeps its display credential for good. */
export const STORAGE_KEYS = {
  access: 'salesboard.accessToken',
  refresh: 'salesboard.refreshToken',
  display: 'salesboard.displayToken',
} as const;

type StorageKey = (typeof STORAGE_KEYS)[keyof typeof STORAGE_KEYS];

function read(key: StorageKey): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, a locked-down kiosk): the session lasts the page
  }
}

function write(key: StorageKey, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // see read()
  }
}

/**
 * Runs `task` while holding a lock shared by every tab of this origin. Refresh tokens rotate
 * and the server signs out every session of a login when one is used twice, so two tabs must
 * never refresh with the same token. Without the Web Locks API (insecure origins) it just runs.
 */
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request('salesboard.refresh', task) : task();
}

/**
 * The viewer the shared figures rule (`maySeeFiguresOf`) takes, as far as this page knows it. A
 * rep or a manager is narrowed as on the server; anyone else (an admin, a TV, the public demo)
 * is offered everything, and a TV's narrower board is left to the server to hold it to.
 */
export function figuresViewerOf(me: Pick<Me, 'role' | 'repId' | 'teamIds'> | null): FiguresViewer {
  const narrowed = me?.role === 'rep' || me?.role === 'manager';
  return { role: me?.role ?? 'display', repId: me?.repId ?? null, teamIds: me?.teamIds ?? [], seesEveryDeal: !narrowed };
}

/**
 * Who the browser is: a person's access and refresh tokens, and on a TV its display credential.
 * Tokens persist in localStorage; every API call reads its bearer from here through the bridge
 * registered with api/http.ts, which also comes back here on a 401 to refresh once.
 */
export const useSessionStore = defineStore('session', () => {
  const accessToken = ref<string | null>(read(STORAGE_KEYS.access));
  const refreshToken = ref<string | null>(read(STORAGE_KEYS.refresh));
  const displayToken = ref<string | null>(read(STORAGE_KEYS.display));
  const me = shallowRef<Me | null>(null);

  const loggedIn = computed(() => accessToken.value !== null);
  /** The rep the signed-in person is, for /me. */
  const repId = computed(() => me.value?.repId ?? null);
  const canManage = computed(() => me.value?.role === 'admin' || me.value?.role === 'manager');

  let refreshing: Promise<boolean> | null = null;

  function setTokens(pair: Pick<TokenPairAnswer, 'accessToken' | 'refreshToken'> | null): void {
    accessToken.value = pair?.accessToken ?? null;
    refreshToken.value = pair?.refreshToken ?? null;
    write(STORAGE_KEYS.access, accessToken.value);
    write(STORAGE_KEYS.refresh, refreshToken.value);
    if (!pair) me.value = null;
  }

  /** Another tab may have refreshed (or signed out) since this one last looked. */
  function syncFromStorage(): void {
    accessToken.value = read(STORAGE_KEYS.access);
    refreshToken.value = read(STORAGE_KEYS.refresh);
    displayToken.value = read(STORAGE_KEYS.display);
  }

  /** A person's token wins over the TV's: someone signed in on the TV browser acts as themselves. */
  function bearer(): string | null {
    return accessToken.value ?? displayToken.value;
  }

  async function login(email: string, password: string): Promise<void> {
    setTokens(await loginCall({ email, password }));
    await loadMe();
  }

  async function logout(): Promise<void> {
    const token = refreshToken.value;
    setTokens(null);
    if (token) await logoutCall(token).catch(() => undefined); // signed out here whatever the server says
  }

  async function loadMe(): Promise<Me | null> {
    if (!bearer()) {
      me.value = null;
      return null;
    }
    try {
      me.value = await fetchMe();
    } catch (error) {
      if (error instanceof ApiRequestError && (error.status === 401 || error.status === 404)) me.value = null;
      else throw error;
    }
    return me.value;
  }

  function setDisplayToken(token: string | null): void {
    displayToken.value = token;
    write(STORAGE_KEYS.display, token);
  }

  /** Single flight per tab, and one refresh at a time across tabs (see withRefreshLock). */
  function refresh(): Promise<boolean> {
    refreshing ??= withRefreshLock(async () => {
      const before = accessToken.value;
      syncFromStorage();
      // Another tab refreshed while this one waited for the lock: its tokens are ours now.
      if (accessToken.value !== null && accessToken.value !== before) return true;
      const token = refreshToken.value;
      if (!token) {
        setTokens(null);
        return false;
      }
      try {
        setTokens(await refreshSession(token));
        return true;
      } catch (error) {
        // Spent, expired or revoked: the person has to sign in again. A network failure keeps
        // the tokens for the next try.
        if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) setTokens(null);
        return false;
      }
    }).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** Called with the bearer a 401 came back for; true when the caller may retry with `bearer()`. */
  async function renew(failed: string): Promise<boolean> {
    if (failed === displayToken.value && failed !== accessToken.value) {
      // A revoked TV: forget the credential so it shows its pairing code again.
      setDisplayToken(null);
      return false;
    }
    if (accessToken.value !== null && accessToken.value !== failed) return true; // refreshed meanwhile
    return refresh();
  }

  setAuthBridge({ bearer, renew });
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (event) => {
      if (event.key === null || (Object.values(STORAGE_KEYS) as string[]).includes(event.key)) syncFromStorage();
    });
  }

  return {
    accessToken,
    refreshToken,
    displayToken,
    me,
    loggedIn,
    repId,
    canManage,
    bearer,
    login,
    logout,
    loadMe,
    refresh,
    renew,
    setDisplayToken,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot));
