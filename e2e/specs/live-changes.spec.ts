import type { Deal, LeaderboardRow, Stage } from '@salesboard/shared';
import type { Page } from '@playwright/test';
import { toMinor } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { expectPipelineToMatchServer, expectSameDocument, fill, headSeq, markDocument, message, openWallboard } from '../support/wallboard.js';

/** What the floor knows a deal by: its account, else its name (as the feed writes it). */
const titleOf = (deal: Deal) => deal.accountName ?? deal.name;

const stageLabel = (stages: Stage[], key: string) => stages.find((stage) => stage.key === key)?.label ?? key;

/** Open deals in the pipeline's accessible table: "12" in the row of `stage`. */
function stageCount(page: Page, stage: string) {
  return page.getByTestId('pipeline-chart').locator(`tbody tr[data-stage="${stage}"] td`).first();
}

/** Money as the client prints it on the leaderboard (en, compact), formatted by the page's own Intl. */
function compactMoney(page: Page, minor: bigint): Promise<string> {
  const major = Number(minor / 100n);
  return page.evaluate(
    (value) =>
      new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: 'IDR',
        currencyDisplay: 'narrowSymbol',
        notation: 'compact',
        maximumFractionDigits: 1,
      }).format(value),
    major,
  );
}

/**
 * An open deal whose win lifts its rep furthest up the board and into the top ten, with no
 * tie at the new place, so the test sees the rep move rather than a rounding of the amount.
 */
/** The rows the wallboard's leaderboard scene shows, large enough to read from five metres. */
const SHOWN_ROWS = 8;

function dealThatMovesTheBoard(deals: Deal[], board: LeaderboardRow[]) {
  const revenue = new Map(board.map((row) => [row.id, toMinor(String(row.value ?? '0'))]));
  const candidates = deals.flatMap((deal) => {
    const before = board.find((row) => row.id === deal.ownerId);
    if (!before) return [];
    const after = (revenue.get(deal.ownerId) ?? 0n) + toMinor(deal.amount);
    const others = board.filter((row) => row.id !== deal.ownerId).map((row) => revenue.get(row.id) ?? 0n);
    if (others.some((value) => value === after)) return [];
    const rank = 1 + others.filter((value) => value > after).length;
    // A rep with nothing yet has no rank: any place is up from there.
    const rankBefore = before.rank ?? board.length + 1;
    return rank < rankBefore && rank <= SHOWN_ROWS ? [{ deal, rankBefore, rankAfter: rank, revenueAfter: after }] : [];
  });
  candidates.sort((a, b) => b.rankBefore - b.rankAfter - (a.rankBefore - a.rankAfter));
  return candidates[0];
}

test.describe('changes posted over REST reach an open wallboard without a reload', () => {
  test('a stage change appears in the feed with the rep and the stage, and the seq advances', async ({ page, api }) => {
    await openWallboard(page);
    const mark = await markDocument(page);
    const seqBefore = await headSeq(page);
    const { stages } = await api.snapshot();
    const [deal] = await api.deals({ stage: 'proposal' });
    expect(deal, 'the demo data has no deal in proposal').toBeDefined();
    const negotiationBefore = Number(await stageCount(page, 'negotiation').textContent());

    const moved = await api.changeStage(deal.id, 'negotiation');

    const newest = page.getByTestId('feed-item').first();
    await expect(newest).toContainText(
      fill(message('en', 'feed.moved'), { rep: moved.ownerName, deal: titleOf(moved), stage: stageLabel(stages, 'negotiation') }),
    );
    await expect(page.getByTestId('head-seq')).toHaveAttribute('data-seq', String((await api.health()).seq));
    expect(await headSeq(page)).toBeGreaterThan(seqBefore);
    await expect(stageCount(page, 'negotiation')).toHaveText(String(negotiationBefore + 1));
    await expectPipelineToMatchServer(page, api);
    await expectSameDocument(page, mark);
  });

  test('in a burst of changes the newest three items of the feed slide in and flash, the older ones hold still', async ({ page, api }) => {
    await openWallboard(page);
    // Slowed a hundredfold, no animation of the burst ends while the test looks at it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Animation.enable');
    await cdp.send('Animation.setPlaybackRate', { playbackRate: 0.01 });
    const [rep] = (await api.snapshot()).reps;
    const created: Deal[] = [];
    for (let i = 1; i <= 6; i++)
      created.push(await api.createDeal({ name: `Burst ${Date.now()} ${i}`, ownerId: rep.id, amount: `${i}000000`, stage: 'qualified' }));

    const items = page.getByTestId('feed-item');
    await expect(items.first()).toContainText(titleOf(created[5]));
    const moving = await items.evaluateAll((elements) =>
      elements.slice(0, 6).map((element) => element.getAnimations({ subtree: true }).filter((animation) => animation.playState === 'running').length),
    );
    // The ticker's item slides in and its tinted layer flashes: two animations each.
    expect(moving).toEqual([2, 2, 2, 0, 0, 0]);
  });

  test('a won deal appears in the feed as won and moves its rep up the leaderboard', async ({ page, api }) => {
    await openWallboard(page, '?scene=leaderboard');
    const mark = await markDocument(page);
    const { leaderboard } = await api.snapshot();
    const openDeals = [...(await api.deals({ stage: 'proposal' })), ...(await api.deals({ stage: 'negotiation' }))];
    const pick = dealThatMovesTheBoard(openDeals, leaderboard);
    expect(pick, 'no open deal would move its rep into a new place on the board').toBeDefined();
    const { deal, rankAfter, revenueAfter } = pick!;

    const won = await api.changeStage(deal.id, 'won');

    const newest = page.getByTestId('feed-item').first();
    await expect(newest).toHaveClass(/\bwon\b/);
    await expect(newest).toContainText(message('en', 'feed.won'));
    await expect(newest).toContainText(fill(message('en', 'feed.closedWon'), { rep: won.ownerName, deal: titleOf(won) }));

    const rows = page.getByTestId('stage').getByTestId('leaderboard-row');
    const repRow = rows.nth(rankAfter - 1);
    await expect(repRow).toHaveAttribute('data-rep', won.ownerId);
    await expect(repRow).toHaveAttribute('data-rank', String(rankAfter));
    await expect(repRow.locator('.value')).toHaveText(await compactMoney(page, revenueAfter));
    // The whole board agrees with the server's, not only the rep who moved (names may be shortened to fit: compared by id).
    const after = await api.snapshot();
    await expect
      .poll(() => rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-rep'))))
      .toEqual(after.leaderboard.slice(0, SHOWN_ROWS).map((row) => row.id));
    await expect(page.getByTestId('head-seq')).toHaveAttribute('data-seq', String(after.seq));
    await expectPipelineToMatchServer(page, api);
    await expectSameDocument(page, mark);
  });
});
