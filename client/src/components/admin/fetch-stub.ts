/**
 * For the admin components' tests: a stand-in for the server at the fetch boundary only, so the
 * real components, api/ wrappers and http.ts run. Each route answers by method and path; every
 * request is recorded with its parsed body for the test to assert on.
 */
import { vi } from 'vitest';

export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

type Answer = unknown | ((body: unknown, path: string) => unknown);
export type Routes = Record<string, Answer>;

export class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export function stubServer(routes: Routes) {
  const sent: SentRequest[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = new URL(url, 'http://salesboard.test').pathname.replace(/^\/api/, '');
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    sent.push({ method, path, body });
    const route = routes[`${method} ${path}`];
    if (route === undefined) return new Response(JSON.stringify({ statusCode: 404, error: 'Not Found', message: `${method} ${path}` }), { status: 404 });
    const answer = typeof route === 'function' ? (route as (body: unknown, path: string) => unknown)(body, path) : route;
    if (answer instanceof HttpAnswer) return new Response(JSON.stringify(answer.body), { status: answer.status });
    return answer === undefined ? new Response(null, { status: 204 }) : new Response(JSON.stringify(answer));
  });
  vi.stubGlobal('fetch', fetch);
  /** The writes sent so far (reads are many and uninteresting). */
  const writes = () => sent.filter((request) => request.method !== 'GET');
  return { sent, writes, routes };
}
