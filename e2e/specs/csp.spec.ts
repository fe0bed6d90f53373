/**
 * The server's Content-Security-Policy against the built client in a real browser: the
 * wallboard, the dashboard's charts and its PNG export must run under it without one violation.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import { signInOnPage } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';
import { openWallboard, pipelineInk } from '../support/wallboard.js';

/** Every violation the page reports, from the DOM event and from the console, as text. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    if (/Content Security Policy/i.test(error.message)) violations.push(`error: ${error.message}`);
  });
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(`event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return violations;
}

test.describe('the Content-Security-Policy', () => {
  test('the wallboard runs under it: scripts, the socket and the charts, with no violation', async ({ page }) => {
    const violations = await watchViolations(page);
    const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/tv');
    await openWallboard(page);
    const policy = (await answer).headers()['content-security-policy'];
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
    await expect.poll(() => pipelineInk(page)).toBeGreaterThan(0);
    await expect(page.getByTestId('leaderboard-row')).toHaveCount(8);
    expect(violations).toEqual([]);
  });

  test('the dashboard and its PNG export run under it with no violation', async ({ page }) => {
    const violations = await watchViolations(page);
    await signInOnPage(page, E2E_ADMIN, '/');
    await expect(page.getByTestId('kpi-revenue').getByTestId('kpi-value')).not.toBeEmpty();
    await expect(page.locator('#trend-title ~ * canvas').first()).toBeVisible();

    await page.getByTestId('export-toggle').click();
    const downloaded = page.waitForEvent('download');
    await page.getByTestId('export-png').click();
    const download = await downloaded;
    expect(await download.failure()).toBeNull();
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    await expect(page.getByTestId('export-error')).toHaveCount(0);

    // The other faces load their own chunks and styles: the admin area and the rep view.
    for (const path of ['/admin', '/me']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      await expect(page.locator('#app')).not.toBeEmpty();
    }
    expect(violations).toEqual([]);
  });

  test('an inline script injected into the page is refused', async ({ page }) => {
    const violations = await watchViolations(page);
    await openWallboard(page);
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.some((v) => v.startsWith('event: script-src'))).toBe(true);
  });
});
