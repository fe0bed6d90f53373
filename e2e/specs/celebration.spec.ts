import { expect, test } from '../support/fixtures.js';
import { compactMoney, openWallboard } from '../support/wallboard.js';

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
    test.setTimeout(90_000);
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
    await expect(celebration.getByTestId('celebration-rep')).toHaveText(second!.ownerName, { timeout: 30_000 });
    await expect(celebration.getByTestId('celebration-amount')).toHaveText(await compactMoney(page, second!.amount));
    await expect(celebration).toBeHidden({ timeout: 30_000 });
  });
});
