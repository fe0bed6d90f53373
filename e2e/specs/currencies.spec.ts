/**
 * Currencies in real Chromium: an admin sets an exchange rate on the Exchange rates page, and the
 * dashboard's drill-down shows a USD deal in its own currency beside its value in rupiah, which
 * follows the rate when it changes, live.
 */
import { expect, test } from '../support/fixtures.js';
import { E2E_ADMIN } from '../support/server-process.js';
import { signInOnPage } from '../support/rest.js';

/** Today in the organisation's zone (the demo's Asia/Jakarta), as the rate's first day. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());

test.describe('currencies', () => {
  test('a rate set in the admin area converts a USD deal, shown beside its own amount in the drill-down', async ({ page, api }) => {
    test.setTimeout(90_000);
    await signInOnPage(page, E2E_ADMIN, '/admin/rates');
    await page.locator('input[name="currency"]').fill('usd');
    await page.locator('input[name="validFrom"]').fill(today());
    await page.locator('input[name="rate"]').fill('15850.25');
    await page.getByRole('button', { name: 'Save rate' }).click();
    await expect(page.locator(`[data-rate="USD ${today()}"]`)).toContainText('15850.25');

    const [owner] = (await api.snapshot()).reps;
    const deal = await api.createDeal({ name: 'Resort Bali – USD licences', ownerId: owner.id, amount: '1000', currency: 'USD', stage: 'negotiation' });
    expect(deal.amountInOrgCurrency).toBe('15850250.00');

    await page.goto('/?period=month');
    await page.getByTestId('funnel').locator('[data-stage="negotiation"] button').click();
    const row = page.getByTestId('deals-panel').locator(`[data-testid="drill-deal"][data-currency="USD"]`).filter({ hasText: 'Resort Bali' });
    // Intl puts a no-break space after "USD" and "Rp": matched as any space.
    await expect(row.getByTestId('drill-deal-amount')).toHaveText(/^USD\s1,000\.00 · Rp\s15,850,250$/);

    // A new rate for the same day: the open list shows the deal's new value without a reload.
    await api.putExchangeRate('USD', today(), '16000');
    await expect(row.getByTestId('drill-deal-amount')).toHaveText(/^USD\s1,000\.00 · Rp\s16,000,000$/);
    expect((await api.deal(deal.id)).amountInOrgCurrency).toBe('16000000.00');
  });
});
