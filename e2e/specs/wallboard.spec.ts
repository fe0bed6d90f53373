import type { KpisResponse } from '@salesboard/shared';
import type { Page } from '@playwright/test';
import type { Api } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { rest } from '../support/rest.js';
import { expectPipelineToMatchServer, fill, headSeq, message, openWallboard, pipelineInk } from '../support/wallboard.js';

/** The organisation's month as GET /api/kpis computes it afresh, apart from what was pushed to the page. */
async function monthKpis(api: Api): Promise<KpisResponse['kpis']> {
  const response = await fetch(`${api.baseUrl}/api/kpis?period=month`, { signal: AbortSignal.timeout(10_000) });
  expect(response.ok, `GET /api/kpis answered ${response.status}`).toBe(true);
  return ((await response.json()) as KpisResponse).kpis;
}

/** Minor units of an exact decimal amount ("1234.5" → 123450n). */
const minorOf = (amount: string) => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
};

/** A share and compact rupiah as the English wallboard prints them, by the browser's own Intl. */
function formatted(page: Page, values: { ratio?: number; minor?: Record<string, string> }): Promise<{ percent: string; money: Record<string, string> }> {
  return page.evaluate(({ ratio, minor }) => {
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'IDR', currencyDisplay: 'narrowSymbol', notation: 'compact', maximumFractionDigits: 1 });
    return {
      percent: ratio === undefined ? '' : new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(ratio),
      money: Object.fromEntries(Object.entries(minor ?? {}).map(([key, value]) => [key, money.format(`${value.slice(0, -2) || '0'}.${value.slice(-2).padStart(2, '0')}` as `${number}`)])),
    };
  }, values);
}

test.describe('the wallboard at /tv', () => {
  test('shows the demo organisation live: the pipeline drawn, the top eight reps, the current seq', async ({ page, api }) => {
    await openWallboard(page, '?scene=leaderboard');
    const snapshot = await api.snapshot();

    await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
    await expect.poll(() => pipelineInk(page), { message: 'the pipeline chart stays blank' }).toBeGreaterThan(0);
    // Its accessible table carries the same numbers, one row per open stage.
    const openStages = snapshot.stages.filter((stage) => stage.kind === 'open');
    await expect(page.getByTestId('pipeline-chart').locator('tbody tr')).toHaveCount(openStages.length);
    await expectPipelineToMatchServer(page, api);

    // The race is the stage's first scene: eight reps at most, each name whole (shortened, never cut).
    const rows = page.getByTestId('stage').getByTestId('leaderboard-row');
    await expect(rows).toHaveCount(8);
    expect(await rows.getByTestId('scene-name').evaluateAll((names) => names.map((name) => name.getAttribute('data-name')))).toEqual(
      snapshot.leaderboard.slice(0, 8).map((row) => row.name),
    );

    expect(await headSeq(page)).toBe((await api.health()).seq);
  });

  test('plays an edited board at once: an admin changes its scenes and the TV follows without a reload', async ({ page, api }) => {
    const admin = await api.adminToken();
    const call = (method: string, path: string, body: unknown) => rest<{ id: string }>(api.baseUrl, admin, method, path, body);
    const board = await call('POST', '/api/boards', { name: `E2E lobby ${Date.now()}`, scenes: [{ kind: 'leaderboard', seconds: 600 }] });
    await openWallboard(page, `?board=${board.id}`);
    await expect(page.getByTestId('stage')).toHaveAttribute('data-scene', 'leaderboard');
    const reloads: string[] = [];
    page.on('framenavigated', (frame) => reloads.push(frame.url()));

    await call('PUT', `/api/boards/${board.id}`, { name: `E2E lobby ${Date.now()}`, scenes: [{ kind: 'funnel', seconds: 600 }] });
    await expect(page.getByTestId('stage')).toHaveAttribute('data-scene', 'funnel');
    expect(reloads).toEqual([]);
  });

  for (const { width, height } of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    test(`fits ${width}x${height} without scroll bars or clipped panels`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      // The race, whatever the first board plays: its rows are the tallest scene's.
      await openWallboard(page, '?scene=leaderboard');
      await expect(page.getByTestId('leaderboard-row')).toHaveCount(8);
      await expect.poll(() => pipelineInk(page)).toBeGreaterThan(0);
      // A scene sliding in overflows its panel for the length of its entrance: measure the layout at rest.
      await page.waitForFunction(
        () =>
          !document.querySelector('.scene-enter-active, .scene-leave-active, .scene-enter-from') &&
          document.getAnimations().every((a) => a.playState !== 'running'),
      );

      const layout = await page.evaluate(() => {
        const scrolling = document.scrollingElement ?? document.documentElement;
        const board = document.querySelector<HTMLElement>('.wallboard');
        const rect = (element: Element | null) => element?.getBoundingClientRect() ?? null;
        const leaderboard = rect(document.querySelector('[data-testid="leaderboard"]'));
        const lastRow = rect([...document.querySelectorAll('[data-testid="leaderboard-row"]')].at(-1) ?? null);
        return {
          page: {
            scrollWidth: scrolling.scrollWidth,
            clientWidth: scrolling.clientWidth,
            scrollHeight: scrolling.scrollHeight,
            clientHeight: scrolling.clientHeight,
          },
          // The board hides its own overflow, so the page never scrolls: what matters is that nothing is cut off.
          board: board && {
            scrollWidth: board.scrollWidth,
            clientWidth: board.clientWidth,
            scrollHeight: board.scrollHeight,
            clientHeight: board.clientHeight,
          },
          panelsOverflowing: [...document.querySelectorAll<HTMLElement>('.panel')]
            .filter((panel) => panel.scrollHeight > panel.clientHeight + 1 || panel.scrollWidth > panel.clientWidth + 1)
            .map((panel) => panel.className),
          lastRowBottom: lastRow?.bottom ?? Infinity,
          leaderboardBottom: leaderboard?.bottom ?? 0,
          viewport: { width: window.innerWidth, height: window.innerHeight },
        };
      });

      expect(layout.viewport).toEqual({ width, height });
      expect(layout.page.scrollWidth).toBeLessThanOrEqual(layout.page.clientWidth);
      expect(layout.page.scrollHeight).toBeLessThanOrEqual(layout.page.clientHeight);
      expect(layout.board).not.toBeNull();
      expect(layout.board!.scrollWidth).toBeLessThanOrEqual(layout.board!.clientWidth);
      expect(layout.board!.scrollHeight).toBeLessThanOrEqual(layout.board!.clientHeight);
      expect(layout.panelsOverflowing).toEqual([]);
      expect(layout.lastRowBottom).toBeLessThanOrEqual(Math.min(layout.leaderboardBottom, height) + 1);
    });
  }

  test("the funnel scene leads with one hero figure: the month's win rate, with the deals won and closed", async ({ page, api }) => {
    await openWallboard(page, '?scene=funnel');
    const stage = page.getByTestId('stage');
    await expect(stage).toHaveAttribute('data-scene', 'funnel');
    const kpis = await monthKpis(api);
    expect(kpis.won + kpis.lost, 'the demo month has closed deals').toBeGreaterThan(0);
    // Counted again from won and lost, not read from the server's ratio.
    const { percent } = await formatted(page, { ratio: kpis.won / (kpis.won + kpis.lost) });
    await expect(stage.getByTestId('scene-hero')).toHaveText(percent);
    await expect(stage.getByTestId('scene-hero-caption')).toHaveText(fill(message('en', 'scenes.funnel.heroCaption'), { won: kpis.won, closed: kpis.won + kpis.lost }));
  });

  test("the forecast scene leads with one hero figure: the month's weighted forecast against its quota, with the gap", async ({ page, api }) => {
    await openWallboard(page, '?scene=forecast');
    const stage = page.getByTestId('stage');
    await expect(stage).toHaveAttribute('data-scene', 'forecast');
    const kpis = await monthKpis(api);
    expect(kpis.quota, 'the demo month has a quota').not.toBeNull();
    const forecast = minorOf(kpis.forecast.weighted);
    const quota = minorOf(kpis.quota!);
    const reached = forecast >= quota;
    const gap = reached ? forecast - quota : quota - forecast;
    const shown = await formatted(page, { ratio: Number(forecast) / Number(quota), minor: { forecast: String(forecast), quota: String(quota), gap: String(gap) } });
    await expect(stage.getByTestId('scene-hero')).toHaveText(shown.percent);
    await expect(stage.getByTestId('scene-hero-caption')).toHaveText(
      fill(message('en', reached ? 'scenes.forecast.heroReached' : 'scenes.forecast.heroCaption'), shown.money),
    );
    await expect(stage.getByTestId('scene-hero-block')).toHaveAttribute('data-status', reached ? 'good' : 'short');
  });
});
