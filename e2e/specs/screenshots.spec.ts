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
      await openWallboard(page, theme === 'light' ? '?scene=leaderboard&theme=light' : '?scene=leaderboard');
      await expect(page.getByTestId('leaderboard-row')).toHaveCount(8);
      await expect(page.getByTestId('feed-item').first()).toBeVisible();
      await waitForChartSettled(page);
      const path = join(ARTIFACTS_DIR, `tv-1920x1080-${theme}.png`);
      await page.screenshot({ path, animations: 'disabled' });
      await testInfo.attach(`tv-${theme}`, { path, contentType: 'image/png' });
    });
  }

  test('/tv at 1920x1080 while it celebrates a win', async ({ page, api }, testInfo) => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await openWallboard(page);
    const [deal] = await api.deals({ stage: 'negotiation' });
    await api.changeStage(deal.id, 'won');
    await expect(page.getByTestId('celebration')).toContainText(deal.ownerName);
    // The card's pop-in has ended (the confetti goes on).
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="celebration"] .card')
        ?.getAnimations()
        .every((animation) => animation.playState === 'finished'),
    );
    const path = join(ARTIFACTS_DIR, 'tv-1920x1080-celebration.png');
    await page.screenshot({ path });
    await testInfo.attach('tv-celebration', { path, contentType: 'image/png' });
  });

  // The office faces at the sizes they are used at, in both languages and both themes.
  const FACE_VARIANTS = (['en', 'id'] as const).flatMap((lang) => (['dark', 'light'] as const).map((theme) => ({ lang, theme })));

  // One load per language and theme, then every size: the dashboard is a responsive page, and
  // resizing it is what a manager's window does.
  for (const { lang, theme } of FACE_VARIANTS) {
    test(`/ at 1280x720 to 3840x2160, ${lang}, ${theme}`, async ({ page }, testInfo) => {
      // Motion reduced, so the trend line is drawn whole at once rather than over a second.
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`/?lang=${lang}&theme=${theme}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(message(lang, 'dashboard.title'));
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await expect(page.getByTestId('kpi-cards').getByTestId('kpi-value')).toHaveCount(13);
      await expect(page.getByTestId('revenue-trend').locator('canvas')).toBeVisible();
      await expect(page.getByTestId('dashboard-leaderboard')).toBeVisible();
      for (const { width, height } of [
        { width: 1280, height: 720 },
        { width: 1440, height: 900 },
        { width: 1920, height: 1080 },
        { width: 3840, height: 2160 },
      ]) {
        await page.setViewportSize({ width, height });
        // The chart follows the window's size: its resize observer fires, then it draws.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve)))));
        const path = join(ARTIFACTS_DIR, `dashboard-${width}x${height}-${lang}-${theme}.png`);
        await page.screenshot({ path, fullPage: true, animations: 'disabled' });
        await testInfo.attach(`dashboard-${width}x${height}-${lang}-${theme}`, { path, contentType: 'image/png' });
      }
    });
  }

  for (const { lang, theme } of FACE_VARIANTS) {
    test(`/me at 390x844, ${lang}, ${theme}`, async ({ page, api }, testInfo) => {
      const { reps } = await api.snapshot();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`/me?rep=${reps[0].id}&lang=${lang}&theme=${theme}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(message(lang, 'rep.title'));
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await expect(page.getByTestId('my-attainment')).toBeVisible();
      await expect(page.getByTestId('my-activity')).toBeVisible();
      const path = join(ARTIFACTS_DIR, `me-390x844-${lang}-${theme}.png`);
      await page.screenshot({ path, fullPage: true, animations: 'disabled' });
      await testInfo.attach(`me-${lang}-${theme}`, { path, contentType: 'image/png' });
    });
  }
});
