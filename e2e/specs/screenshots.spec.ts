/**
 * Screenshots for people to look at (e2e/artifacts/), taken after a few changes so the feed
 * is not empty. They assert only that each page shows what it is for; the eye does the rest.
 */
import { join } from 'node:path';
import { Api } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { ARTIFACTS_DIR } from '../support/paths.js';
import { readState } from '../support/server-process.js';
import { message, openWallboard, waitForChartSettled } from '../support/wallboard.js';

test.describe('screenshots', () => {
  test.beforeAll(async () => {
    const api = new Api(readState().baseUrl);
    const moves: [string, string][] = [
      ['lead', 'qualified'],
      ['qualified', 'demo'],
      ['demo', 'proposal'],
      ['negotiation', 'won'],
      ['proposal', 'negotiation'],
      ['negotiation', 'won'],
    ];
    // A different deal each time, so the feed reads like a sales floor rather than one deal's journey.
    const moved = new Set<string>();
    for (const [from, to] of moves) {
      const deal = (await api.deals({ stage: from })).find((candidate) => !moved.has(candidate.id));
      if (!deal) continue;
      await api.changeStage(deal.id, to);
      moved.add(deal.id);
    }
  });

  for (const theme of ['dark', 'light'] as const) {
    test(`/tv at 1920x1080, ${theme}`, async ({ page }, testInfo) => {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await openWallboard(page, theme === 'light' ? '?theme=light' : '');
      await expect(page.getByTestId('leaderboard-row')).toHaveCount(10);
      await expect(page.getByTestId('feed-item').first()).toBeVisible();
      await waitForChartSettled(page);
      const path = join(ARTIFACTS_DIR, `tv-1920x1080-${theme}.png`);
      await page.screenshot({ path, animations: 'disabled' });
      await testInfo.attach(`tv-${theme}`, { path, contentType: 'image/png' });
    });
  }

  for (const { route, name, title, width, height } of [
    { route: '/', name: 'dashboard-1440x900', title: 'dashboard.title', width: 1440, height: 900 },
    { route: '/me', name: 'me-390x844', title: 'rep.title', width: 390, height: 844 },
  ]) {
    test(`${route} at ${width}x${height} (a placeholder for now)`, async ({ page }, testInfo) => {
      await page.setViewportSize({ width, height });
      await page.goto(route);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('en', title));
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true, animations: 'disabled' });
      await testInfo.attach(name, { path, contentType: 'image/png' });
    });
  }
});
