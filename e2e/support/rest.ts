/** Signing in and calling the API as a given person: one REST call, a sign-in over REST or on the login page. */
import { expect, type Page } from '@playwright/test';
import { message } from './wallboard.js';

/** One REST call with a given credential; a failure names the route and the answer. */
export async function rest<T>(baseUrl: string, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path} answered ${response.status}: ${text}`).toBe(true);
  return (text ? JSON.parse(text) : null) as T;
}

/** A real sign-in: the access token of `email`. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  return (await rest<{ accessToken: string }>(baseUrl, null, 'POST', '/api/auth/login', { email, password })).accessToken;
}

/** Signs in through the login page, as a person does, and lands on `redirect`. */
export async function signInOnPage(page: Page, credentials: { email: string; password: string }, redirect: string): Promise<void> {
  await page.goto(`/login?redirect=${encodeURIComponent(redirect)}`);
  await page.getByLabel(message('en', 'auth.email')).fill(credentials.email);
  await page.getByLabel(message('en', 'auth.password')).fill(credentials.password);
  await page.getByRole('button', { name: message('en', 'auth.login') }).click();
}
