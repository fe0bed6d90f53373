/**
 * Issue #16 items 1 and 2 in Chromium: every scene of /tv, at 720p, 1080p and 4K, in English and
 * Bahasa, shows no text cut, no ellipsis and no text over other text; on 1080p a scene's names
 * are at least 48 px and its hero figure at least 120 px, and no more than 8 rows are on stage.
 */
import { Api } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { textLayoutProblems, waitForRest } from '../support/layout.js';
import { readState } from '../support/server-process.js';
import { openWallboard } from '../support/wallboard.js';

const SCENES = ['leaderboard', 'quota', 'funnel', 'forecast', 'territories'] as const;
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

test.describe('the wallboard read from five metres', () => {
  test.setTimeout(120_000);

  // Lines in the feed (the longest account names the demo has) and movement in the standings.
  test.beforeAll(async () => {
    const api = new Api(readState().baseUrl);
    for (const [from, to] of [
      ['lead', 'qualified'],
      ['proposal', 'won'],
      ['negotiation', 'won'],
    ]) {
      const deals = (await api.deals({ stage: from })).sort((a, b) => (b.accountName ?? b.name).length - (a.accountName ?? a.name).length);
      if (deals[0]) await api.changeStage(deals[0].id, to);
    }
  });

  test('the layout check sees text cut by its box, ended in an ellipsis, or drawn over other text', async ({ page }) => {
    await page.setContent(`
      <main style="font: 24px sans-serif">
        <p id="fine" style="width: 400px">Siti Nurhaliza</p>
        <p style="width: 90px; overflow: hidden; white-space: nowrap">Teguh Prasetyo</p>
        <p style="width: 90px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis">Wahyu Hidayat</p>
        <div style="position: relative; height: 40px"><span>Rp 31.8B open</span><span style="position: absolute; left: 20px; top: 0">closed PT Sentosa Farma</span></div>
        <p style="width: 90px; height: 30px; overflow: hidden; display: flex; flex-wrap: wrap"><span style="flex: none; width: 90px; height: 30px">One</span><span style="flex: none; width: 90px; height: 30px">Hidden below</span></p>
      </main>`);
    const problems = await textLayoutProblems(page, 'main');
    expect(problems.map((problem) => [problem.kind, problem.text, problem.other ?? null])).toEqual([
      ['clipped', 'Teguh Prasetyo', null],
      ['clipped', 'Wahyu Hidayat', null],
      ['ellipsis', 'Wahyu Hidayat', null],
      ['overlap', 'Rp 31.8B open', 'closed PT Sentosa Farma'],
    ]);
  });

  for (const { width, height } of SIZES) {
    for (const lang of ['en', 'id'] as const) {
      test(`${width}x${height}, ${lang}: no text cut or drawn over other text, in any scene`, async ({ page }) => {
        await page.setViewportSize({ width, height });
        for (const scene of SCENES) {
          await openWallboard(page, `?scene=${scene}&lang=${lang}`);
          const stage = page.getByTestId('stage');
          await expect(stage).toHaveAttribute('data-scene', scene);
          // The scene's figures are in (no "Loading…"), the context panel has its month.
          await expect(stage.getByTestId('scene').last()).not.toContainText(/Loading|Memuat/);
          await expect(page.getByTestId('context-pace')).toBeVisible();
          await page.evaluate(() => document.fonts.ready);
          await waitForRest(page);

          const problems = await textLayoutProblems(page, 'main.wallboard');
          expect(problems, `${scene} at ${width}x${height} (${lang})`).toEqual([]);

          const rows = await stage.getByTestId('leaderboard-row').count();
          expect(rows).toBeLessThanOrEqual(8);

          if (width === 1920) {
            const sizes = await stage.evaluate((element) => ({
              names: [...element.querySelectorAll('[data-testid="scene-name"]')].map((name) => Number.parseFloat(getComputedStyle(name).fontSize)),
              heroes: [...element.querySelectorAll('[data-testid="scene-hero"]')].map((hero) => Number.parseFloat(getComputedStyle(hero).fontSize)),
            }));
            for (const size of sizes.names) expect(size, `a name in ${scene}`).toBeGreaterThanOrEqual(48);
            for (const size of sizes.heroes) expect(size, `the hero figure of ${scene}`).toBeGreaterThanOrEqual(120);
            if (scene === 'leaderboard') {
              expect(sizes.names.length).toBeGreaterThan(0);
              expect(sizes.heroes).toHaveLength(1);
            }
          }
          await page.screenshot({ path: `artifacts/layout-${scene}-${width}x${height}-${lang}.png` });
        }
      });
    }
  }
});
