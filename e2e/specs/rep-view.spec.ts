import type { Deal, KpisResponse } from '@salesboard/shared';
import { toMinor } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { rest, signIn, signInOnPage } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';
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

test.describe('a signed-in rep on a phone', () => {
  test('has a one-row header, pages titled as theirs, and what to do today to move up', async ({ page, api }) => {
    const admin = await signIn(api.baseUrl, E2E_ADMIN.email, E2E_ADMIN.password);
    const { reps } = await api.snapshot();
    const rep = reps.find((candidate) => candidate.teamId !== null) ?? reps[0];
    const credentials = { email: `rep-phone-${Date.now()}@e2e.salesboard.test`, password: 'rep phone password 1234' };
    await rest(api.baseUrl, admin, 'POST', '/api/users', { ...credentials, name: rep.name, role: 'rep', repId: rep.id });
    await page.setViewportSize({ width: 390, height: 844 });
    await signInOnPage(page, credentials, '/me');
    await expect(page).toHaveURL(/\/me$/);

    // One row: brand, language, menu button; well under the 200 px three rows took.
    const header = page.getByTestId('app-header');
    await expect(header).toBeVisible();
    const box = (await header.boundingBox())!;
    expect(box.height).toBeLessThan(80);
    const tops = await header.evaluate((element) =>
      [...element.children]
        .filter((child) => getComputedStyle(child).display !== 'none' && getComputedStyle(child).position !== 'absolute')
        .map((child) => Math.round(child.getBoundingClientRect().top)),
    );
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(16);

    // The brand leads a rep home, to a page that is theirs.
    await header.getByRole('link', { name: message('en', 'app.name') }).click();
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('en', 'rep.title'));
    await expect(page).toHaveTitle(`${message('en', 'rep.title')} · Salesboard`);

    // The figures page, through the menu, is "My figures", not the manager's dashboard.
    await page.getByTestId('menu-toggle').click();
    await page.getByRole('link', { name: message('en', 'nav.myFigures') }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('en', 'dashboard.titleRep'));
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(message('en', 'dashboard.title'));
    expect((await header.boundingBox())!.height).toBeLessThan(80);

    // Back on /me: "Committed" is the open part of the commit forecast, not the revenue already won.
    await page.goto('/me');
    const figures = await rest<KpisResponse>(api.baseUrl, admin, 'GET', `/api/kpis?period=month&repId=${rep.id}`);
    const committed = toMinor(figures.kpis.forecast.commit) - toMinor(figures.kpis.forecast.closed);
    const compact = await page.evaluate(
      (minor) =>
        new Intl.NumberFormat('en-US', {
          style: 'currency',
          currency: 'IDR',
          currencyDisplay: 'narrowSymbol',
          notation: 'compact',
          maximumFractionDigits: 1,
        }).format(`${minor / 100}` as `${number}`),
      Number(committed),
    );
    await expect(page.getByTestId('my-committed')).toHaveText(compact);
    await expect(page.getByText(message('en', 'rep.figures.committed'))).toBeVisible();

    // What to do today: the deals closest to closing (the rep's open deals, furthest stage first).
    const next = page.getByTestId('my-next-deals');
    await expect(next.getByRole('heading')).toHaveText(message('en', 'rep.next.title'));
    const open = (await rest<Deal[]>(api.baseUrl, admin, 'GET', `/api/deals?repId=${rep.id}`)).filter((deal) =>
      ['lead', 'qualified', 'demo', 'proposal', 'negotiation'].includes(deal.stage),
    );
    await expect(next.getByTestId('next-deal')).toHaveCount(Math.min(3, open.length));
    await expect(page.getByTestId('gap-to-next').or(page.getByTestId('gap-to-quota')).first()).toBeVisible();
  });
});
