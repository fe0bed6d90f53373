import { expect, test } from '../support/fixtures.js';
import { fill, message } from '../support/wallboard.js';

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

  test('says "not ranked yet" to a rep with nothing this month, and "tied" to reps on the same revenue, in English and Bahasa', async ({ page, api }) => {
    const { reps } = await api.snapshot();
    const teamId = reps.find((candidate) => candidate.teamId !== null)?.teamId ?? null;
    const stamp = Date.now().toString(36);
    const fresh = await api.createRep({ name: `Nadia ${stamp}`, email: `nadia.${stamp}@example.co.id`, teamId });
    const twins = [];
    for (const name of ['Oki', 'Putri']) {
      const rep = await api.createRep({ name: `${name} ${stamp}`, email: `${name.toLowerCase()}.${stamp}@example.co.id`, teamId });
      // The same odd amount for both, which no demo rep's month adds up to: a tie of two.
      await api.createDeal({ name: `Tie ${name} ${stamp}`, ownerId: rep.id, amount: '1234567.89', stage: 'won' });
      twins.push(rep);
    }
    const board = await api.leaderboard('metric=revenue&period=month');
    const ranks = twins.map((rep) => board.rows.find((row) => row.id === rep.id)?.rank);
    expect(ranks[0]).toEqual(expect.any(Number));
    expect(ranks[1]).toBe(ranks[0]);
    expect(board.rows.find((row) => row.id === fresh.id)?.rank).toBeNull();
    await page.setViewportSize({ width: 390, height: 844 });

    await page.goto(`/me?rep=${fresh.id}`);
    const rank = page.getByTestId('rank-text');
    await expect(rank).toContainText(message('en', 'rep.notRanked'));
    await expect(rank).toContainText(message('en', 'rep.notRankedHint'));
    // No place, so no "down 4" either.
    await expect(page.getByTestId('my-rank').locator('.movement')).toHaveCount(0);

    await page.goto(`/me?rep=${twins[0].id}`);
    await expect(rank).toContainText(fill(message('en', 'rep.rankTied'), { rank: ranks[0]! }));
    await page.goto(`/me?rep=${twins[1].id}&lang=id`);
    await expect(rank).toContainText(fill(message('id', 'rep.rankTied'), { rank: ranks[0]! }));
    await page.goto(`/me?rep=${fresh.id}&lang=id`);
    await expect(rank).toContainText(message('id', 'rep.notRanked'));
  });
});
