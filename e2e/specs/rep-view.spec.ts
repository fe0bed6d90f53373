import { expect, test } from '../support/fixtures.js';
import { message } from '../support/wallboard.js';

test.describe('the rep view at /me', () => {
  test('fits a 390x844 phone without horizontal scroll', async ({ page, api }) => {
    const { reps } = await api.snapshot();
    const rep = reps.find((candidate) => candidate.teamId !== null) ?? reps[0];
    expect(rep, 'the demo organisation has no reps').toBeDefined();
    await page.setViewportSize({ width: 390, height: 844 });

    await page.goto(`/me?rep=${rep.id}`);

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('en', 'rep.title'));
    await expect(page.getByTestId('my-rank')).toContainText(rep.name);
    await expect(page.getByTestId('my-attainment')).toBeVisible();
    await expect(page.getByTestId('my-activity')).toBeVisible();
    const layout = await page.evaluate(() => {
      const scrolling = document.scrollingElement ?? document.documentElement;
      const wider = [...document.querySelectorAll<HTMLElement>('main *')]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
      return { scrollWidth: scrolling.scrollWidth, clientWidth: scrolling.clientWidth, wider };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.wider).toEqual([]);
  });
});
