import type { Page } from '@playwright/test';
import type { Deal, KpisResponse, LeaderboardResponse } from '@salesboard/shared';
import { toMinor } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { rest } from '../support/rest.js';
import { compactMoney, fastForwardUntil, message, openWallboard } from '../support/wallboard.js';

test.describe('celebrations on the wallboard', () => {
  test('a won deal interrupts the wallboard with the rep and the amount', async ({ page, api }) => {
    await openWallboard(page);
    const [deal] = await api.deals({ stage: 'negotiation' });
    expect(deal, 'the demo data has no deal in negotiation').toBeDefined();

    await api.changeStage(deal.id, 'won');

    const celebration = page.getByTestId('celebration');
    await expect(celebration).toBeVisible();
    await expect(celebration.getByTestId('celebration-rep')).toHaveText(deal.ownerName);
    await expect(celebration.getByTestId('celebration-amount')).toHaveText(await compactMoney(page, deal.amount));
    await expect(celebration).toContainText(deal.accountName ?? deal.name);
  });

  test('two wins in quick succession are both celebrated, one after the other', async ({ page, api }) => {
    await page.clock.install();
    await openWallboard(page);
    const proposals = await api.deals({ stage: 'proposal' });
    const first = proposals[0];
    const second = proposals.find((deal) => deal.ownerName !== first?.ownerName && deal.amount !== first?.amount);
    expect(second, 'the demo data has no two proposals of different reps').toBeDefined();

    await api.changeStage(first.id, 'won');
    await api.changeStage(second!.id, 'won');

    const celebration = page.getByTestId('celebration');
    await expect(celebration.getByTestId('celebration-rep')).toHaveText(first.ownerName);
    await expect(celebration.getByTestId('celebration-amount')).toHaveText(await compactMoney(page, first.amount));
    // The second waits its turn (a big deal holds the floor up to 15 s) and is not lost.
    const rep = celebration.getByTestId('celebration-rep');
    await fastForwardUntil(page, async () => (await rep.textContent()) === second!.ownerName, 'the second win is celebrated');
    await expect(celebration.getByTestId('celebration-amount')).toHaveText(await compactMoney(page, second!.amount));
    await fastForwardUntil(page, async () => !(await celebration.isVisible()), 'the celebrations end');
    // In view again, the board moves again: its bars glide to their next figures.
    expect((await boardMotion(page)).barGlide).not.toBe('0s');
  });
});

/** What moves on the board under the celebration: running animations, and the pipeline bars' glide. */
function boardMotion(page: Page): Promise<{ running: number; barGlide: string }> {
  return page.evaluate(() => {
    const board = [...document.querySelectorAll('main.wallboard > :not([data-testid="celebration"])')];
    const running = board.flatMap((element) => element.getAnimations({ subtree: true })).filter((animation) => animation.playState === 'running');
    const bar = document.querySelector('[data-testid="pipeline-bar"]');
    return { running: running.length, barGlide: bar ? getComputedStyle(bar).transitionDuration : 'no bar' };
  });
}

/** The page's en-US percent, as the overlay formats it. */
function percentOn(page: Page, ratio: number): Promise<string> {
  return page.evaluate((value) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(value), ratio);
}

test.describe('a celebration stops the room', () => {
  test('an opaque takeover: nothing shows through, and it tells the rep, the amount and the new standing', async ({ page, api }) => {
    await openWallboard(page);
    const [deal] = await api.deals({ stage: 'proposal' });
    await api.changeStage(deal.id, 'won');

    const celebration = page.getByTestId('celebration');
    await expect(celebration.getByTestId('celebration-standing')).toBeVisible();
    await expect(celebration.getByTestId('celebration-photo')).toBeVisible();
    await expect(celebration.getByTestId('celebration-rep')).toHaveText(deal.ownerName);
    await expect(celebration.getByTestId('celebration-amount')).toHaveText(await compactMoney(page, deal.amount));
    await expect(celebration).toHaveCSS('opacity', '1'); // it cuts in, opaque at once

    const cover = await page.evaluate(() => {
      const overlay = document.querySelector('[data-testid="celebration"]')!;
      const alpha = (colour: string) => {
        const parts = colour.match(/[\d.]+/g) ?? [];
        return colour.startsWith('rgba') ? Number(parts[3]) : 1;
      };
      const [w, h] = [window.innerWidth, window.innerHeight];
      const points = [
        [w / 2, h / 2],
        [2, 2],
        [w - 3, 2],
        [2, h - 3],
        [w - 3, h - 3],
      ];
      return {
        backgroundAlpha: alpha(getComputedStyle(overlay).backgroundColor),
        missed: points.filter(([x, y]) => !overlay.contains(document.elementFromPoint(x, y))).map(String),
      };
    });
    expect(cover.backgroundAlpha).toBe(1);
    expect(cover.missed, 'points of the screen not covered by the celebration').toEqual([]);
    // Covered, the board holds still: nothing under the celebration animates or glides.
    expect(await boardMotion(page)).toEqual({ running: 0, barGlide: '0s' });

    // The standing after the win, as the server ranks it now.
    const board = await rest<LeaderboardResponse>(api.baseUrl, null, 'GET', '/api/leaderboard?metric=revenue&period=month');
    const rank = board.rows.find((row) => row.id === deal.ownerId)?.rank;
    const { kpis } = await rest<KpisResponse>(api.baseUrl, null, 'GET', `/api/kpis?period=month&repId=${deal.ownerId}`);
    const standing = celebration.getByTestId('celebration-standing');
    await expect(standing).toHaveAttribute('data-rank', String(rank));
    await expect(standing).toContainText(`#${rank}`);
    if (kpis.attainment !== null) await expect(standing).toContainText(await percentOn(page, kpis.attainment));
  });

  test('milestones get a moment of their own: a rep’s first deal of the month, and the deal that reaches quota', async ({ page, api }) => {
    await page.clock.install();
    await openWallboard(page);
    const won = await rest<LeaderboardResponse>(api.baseUrl, null, 'GET', '/api/leaderboard?metric=won&period=month');
    const open = [...(await api.deals({ stage: 'negotiation' })), ...(await api.deals({ stage: 'proposal' })), ...(await api.deals({ stage: 'demo' }))];

    // A rep who has won nothing this month wins a deal.
    const firstTimer = won.rows.find((row) => row.value === 0 && open.some((deal) => deal.ownerId === row.id));
    expect(firstTimer, 'the demo has a rep without a win this month and with an open deal').toBeDefined();
    const firstDeal = open.find((deal) => deal.ownerId === firstTimer!.id)!;
    await api.changeStage(firstDeal.id, 'won');
    const celebration = page.getByTestId('celebration');
    await expect(celebration).toHaveAttribute('data-milestone', 'firstOfMonth');
    await expect(celebration.getByTestId('celebration-kicker')).toHaveText(message('en', 'celebration.milestone.firstOfMonth'));
    await expect(celebration.getByTestId('celebration-rep')).toHaveText(firstDeal.ownerName);
    await fastForwardUntil(page, async () => !(await celebration.isVisible()), 'the first-deal celebration ends');

    // A rep under quota closes a deal worth the rest of it.
    let reached: { deal: Deal; missingMinor: bigint } | null = null;
    for (const deal of open.filter((candidate) => candidate.id !== firstDeal.id)) {
      const { kpis } = await rest<KpisResponse>(api.baseUrl, null, 'GET', `/api/kpis?period=month&repId=${deal.ownerId}`);
      if (kpis.quota === null || kpis.attainment === null || kpis.attainment >= 1 || toMinor(kpis.revenue) === 0n) continue;
      reached = { deal, missingMinor: toMinor(kpis.quota) - toMinor(kpis.revenue) };
      break;
    }
    expect(reached, 'the demo has a rep under quota with a win and an open deal').not.toBeNull();
    const amount = `${(reached!.missingMinor + 100_00n) / 100n}.00`;
    const admin = await api.adminToken();
    await rest(api.baseUrl, admin, 'PATCH', `/api/deals/${reached!.deal.id}`, { amount });
    await api.changeStage(reached!.deal.id, 'won');
    await expect(celebration).toHaveAttribute('data-milestone', 'quotaReached');
    await expect(celebration.getByTestId('celebration-kicker')).toHaveText(message('en', 'celebration.milestone.quotaReached'));
    const { kpis } = await rest<KpisResponse>(api.baseUrl, null, 'GET', `/api/kpis?period=month&repId=${reached!.deal.ownerId}`);
    expect(kpis.attainment).toBeGreaterThanOrEqual(1);
    await expect(celebration.getByTestId('celebration-standing')).toContainText(await percentOn(page, kpis.attainment!));
  });
});
