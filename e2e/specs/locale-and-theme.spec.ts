import { expect, test } from '../support/fixtures.js';
import { message, openWallboard } from '../support/wallboard.js';

test.describe('wallboard set up by its URL', () => {
  test('?lang=id shows Indonesian labels and money in id-ID format', async ({ page }) => {
    await openWallboard(page, '?lang=id&scene=leaderboard');

    await expect(page.locator('html')).toHaveAttribute('lang', 'id');
    await expect(page.locator('#pipeline-title')).toHaveText(message('id', 'pipeline.title'));
    await expect(page.getByTestId('scene').last()).toHaveAttribute('aria-label', message('id', 'scenes.leaderboard.title'));
    await expect(page.locator('#feed-title')).toHaveText(message('id', 'feed.title'));
    await expect(page.getByTestId('connection-status')).toContainText(message('id', 'connection.live'));

    // Compact on the board, "Rp 605,4 jt" / "Rp 13 M": a decimal comma and Indonesian magnitudes.
    const rows = page.getByTestId('leaderboard-row');
    await expect(rows).toHaveCount(8);
    const values = await rows.locator('.value').allTextContents();
    for (const value of values) expect(value).toMatch(/^Rp\s?\d{1,3}(,\d)?(\s?(rb|jt|M|T))?$/);
    expect(
      values.some((value) => /\s?(jt|M)$/.test(value)),
      `no amount in juta or miliar among ${values.join(' | ')}`,
    ).toBe(true);
    // Full amounts (the chart's accessible table): "Rp 13.034.845.000" with dots for thousands.
    const full = await page.getByTestId('pipeline-chart').locator('tbody td:nth-child(3)').allTextContents();
    expect(full.length).toBeGreaterThan(0);
    for (const amount of full) expect(amount).toMatch(/^Rp\s?\d{1,3}(\.\d{3})*(,\d{2})?$/);
    const total = page.locator('.pipeline .figure');
    await expect(total).toContainText(message('id', 'pipeline.total').split('{count}')[1].trim());
    await expect(total).toHaveText(/^Rp\s?\d{1,3}(,\d)?\s?(jt|M|T)\b/);
  });

  test('is dark by default and light with ?theme=light', async ({ page }) => {
    const board = page.locator('main.wallboard');
    const background = () => board.evaluate((element) => getComputedStyle(element).backgroundColor);

    await openWallboard(page);
    await expect(board).toHaveAttribute('data-theme', 'dark');
    const dark = await background();

    await openWallboard(page, '?theme=light&lang=id');
    await expect(board).toHaveAttribute('data-theme', 'light');
    const light = await background();
    expect(light).not.toBe(dark);
    // A light page is light: the sum of its channels is well above that of the dark one.
    const brightness = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, channel) => sum + Number(channel), 0);
    expect(brightness(light)).toBeGreaterThan(600);
    expect(brightness(dark)).toBeLessThan(150);
    // The language keeps working beside the theme.
    await expect(page.locator('#feed-title')).toHaveText(message('id', 'feed.title'));
  });
});
