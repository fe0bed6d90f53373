import { expect, test } from '../support/fixtures.js';
import { expectPipelineToMatchServer, expectSameDocument, fill, headSeq, markDocument, message, openWallboard } from '../support/wallboard.js';

test.describe('a wallboard that loses its server', () => {
  test('shows that it is reconnecting, then catches up on the changes made while it was away, without a reload', async ({ page, api, server }) => {
    // Three server starts and socket.io's reconnect back-off (up to 5 s a try).
    test.setTimeout(120_000);
    await openWallboard(page);
    const mark = await markDocument(page);
    const seqBefore = await headSeq(page);
    const status = page.getByTestId('connection-status');

    await server.stop('SIGTERM');
    await expect(status).toHaveAttribute('data-state', 'reconnecting');
    await expect(status).toContainText(message('en', 'connection.reconnecting'));

    // Changes the page cannot see: made through another server on the same database, which
    // is gone again before the page's server comes back.
    const other = await server.startOther();
    const { stages } = await other.api.snapshot();
    const label = stages.find((stage) => stage.key === 'demo')?.label ?? 'demo';
    const [first, second] = await other.api.deals({ stage: 'qualified' });
    expect(second, 'the demo data has fewer than two deals in qualified').toBeDefined();
    const movedFirst = await other.api.changeStage(first.id, 'demo');
    const movedSecond = await other.api.changeStage(second.id, 'demo');
    const headWhileAway = (await other.api.health()).seq;
    expect(headWhileAway).toBe(seqBefore + 2);
    await other.stop();

    await expect(status).toHaveAttribute('data-state', 'reconnecting');
    expect(await headSeq(page)).toBe(seqBefore);

    await server.start();

    await expect(status).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(page.getByTestId('head-seq')).toHaveAttribute('data-seq', String(headWhileAway));
    expect((await api.health()).seq).toBe(headWhileAway);
    const items = page.getByTestId('feed-item');
    const moved = (deal: typeof movedFirst) => fill(message('en', 'feed.moved'), { rep: deal.ownerName, deal: deal.accountName ?? deal.name, stage: label });
    // Newest first.
    await expect(items.nth(0)).toContainText(moved(movedSecond));
    await expect(items.nth(1)).toContainText(moved(movedFirst));
    await expectPipelineToMatchServer(page, api);
    await expectSameDocument(page, mark);
  });
});
