import type { ApiError } from '@salesboard/shared';

/** A non-2xx answer from `/api`, carrying the server's `{ statusCode, error, message }`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = 'ApiRequestError';
  }
}

function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'message' in value;
}

/**
 * How requests get their credential, provided by the session store. Kept as an interface so
 * this module never imports a store (the store imports the auth calls from here).
 */
export interface AuthBridge {
  /** The bearer to send now: an access token, a display credential, or null (public reads). */
  bearer(): string | null;
  /**
   * A request sent with `failed` got a 401: refresh the session (or notice another request or tab
   * already has) and resolve true when a new bearer is ready for one retry.
   */
  renew(failed: string): Promise<boolean>;
}

let bridge: AuthBridge | null = null;

export function setAuthBridge(next: AuthBridge | null): void {
  bridge = next;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Sends no credential and never refreshes: login, refresh, logout and TV pairing. */
  anonymous?: boolean;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `/api/deals?stage=won&limit=1000`, leaving out empty values so the server sees only real filters. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

/**
 * A fresh Idempotency-Key per write. crypto.randomUUID exists only in secure contexts, and a TV
 * on http://10.0.0.5:3000 is not one; getRandomValues works everywhere.
 */
function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Sends one call with the credential, retries once after a refreshed session, and turns a non-2xx
 * answer into an ApiRequestError. A FormData body goes as multipart (the browser sets its boundary).
 */
async function send(method: Method, path: string, body: unknown, options: RequestOptions = {}, accept = 'application/json'): Promise<Response> {
  const url = apiUrl(path, options.query);
  // One key for the request and its retry: if the first attempt did land, the retry changes nothing.
  const key = method === 'GET' ? undefined : idempotencyKey();
  const form = body instanceof FormData;
  const attempt = (bearer: string | null) => {
    const headers: Record<string, string> = { Accept: accept };
    if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
    if (key) headers['Idempotency-Key'] = key;
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    const payload = body === undefined ? undefined : form ? body : JSON.stringify(body);
    return fetch(url, { method, headers, body: payload, signal: options.signal });
  };

  const auth = options.anonymous ? null : bridge;
  const bearer = auth?.bearer() ?? null;
  let response = await attempt(bearer);
  if (response.status === 401 && auth && bearer !== null && (await auth.renew(bearer))) {
    response = await attempt(auth.bearer());
  }
  if (!response.ok) {
    const errorBody: unknown = await response.json().catch(() => null);
    throw new ApiRequestError(response.status, isApiError(errorBody) ? errorBody : null);
  }
  return response;
}

async function request<T>(method: Method, path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, body, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** GET a JSON resource under `/api` on the same origin (the dev server proxies it). */
export function getJson<T>(path: string, options?: RequestOptions): Promise<T> {
  return request<T>('GET', path, undefined, options);
}

export function postJson<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return request<T>('POST', path, body, options);
}

export function putJson<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
  return request<T>('PUT', path, body, options);
}

export function patchJson<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
  return request<T>('PATCH', path, body, options);
}

export function deleteJson<T>(path: string, options?: RequestOptions): Promise<T> {
  return request<T>('DELETE', path, undefined, options);
}

/** POSTs a multipart form (fields first, then the file: the server reads them in that order) and reads JSON back. */
export function postForm<T>(path: string, form: FormData, options?: RequestOptions): Promise<T> {
  return request<T>('POST', path, form, options);
}

/**
 * GETs a file with the credential (a plain link cannot carry the bearer), with the name the server
 * gives it in Content-Disposition, if any.
 */
export async function getBlob(path: string, options?: RequestOptions & { accept?: string }): Promise<{ blob: Blob; fileName: string | null }> {
  const response = await send('GET', path, undefined, options, options?.accept ?? '*/*');
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), fileName };
}

/** The message to show a person for a failed call: the server's own words when it sent some. */
export function errorMessage(error: unknown): string | null {
  if (error instanceof ApiRequestError) return error.body?.message ?? null;
  return null;
}
