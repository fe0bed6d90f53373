import type { Deal, KpisResponse } from '@salesboard/shared';
import type { Page } from '@playwright/test';
import type { Api } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { message } from '../support/wallboard.js';

/** The KPIs the server computes for a query, to compare with what the page prints. */
async function kpis(api: Api, query: Record<string, string>): Promise<KpisResponse> {
  const response = await fetch(`${api.baseUrl}/api/kpis?${new URLSearchParams(query)}`, { signal: AbortSignal.timeout(10_000) });
  expect(response.ok, `GET /api/kpis answered ${response.status}`).toBe(true);
  return (await response.json()) as KpisResponse;
}

/** Compact rupiah as the dashboard prints it in `locale`, from the exact decimal text. */
function compactMoney(page: Page, amount: string, locale = 'en-US'): Promise<string> {
  return page.evaluate(
    ([value, intlLocale]) =>
      new Intl.NumberFormat(intlLocale, {
        style: 'currency',
        currency: 'IDR',
        currencyDisplay: 'narrowSymbol',
        notation: 'compact',
        maximumFractionDigits: 1,
      }).format(value as `${number}`),
    [amount, locale] as const,
  );
}

/** "131 got this far": the plural message of the client's catalogue. */
function reachedText(count: number): string {
  const [none, one, many] = message('en', 'funnel.reached')
    .split('|')
    .map((form) => form.trim());
  const form = count === 0 ? none : count === 1 ? one : many;
  return form.replace('{count}', count.toLocaleString('en-US'));
}

/** What the page shows for revenue and the first funnel stage, once it matches the server. */
async function expectFigures(page: Page, expected: KpisResponse): Promise<string[]> {
  const revenue = page.getByTestId('kpi-revenue').getByTestId('kpi-value');
  await expect(revenue).toHaveText(await compactMoney(page, expected.kpis.revenue));
  const first = expected.funnel[0];
  const reached = page.getByTestId('funnel').locator(`[data-stage="${first.stage}"] [data-testid="funnel-reached"]`);
  await expect(reached).toHaveText(reachedText(first.reached));
  return [await revenue.innerText(), await reached.innerText()];
}

/** Renames a deal as the admin, as another screen would; answers its name before. */
async function renameDeal(api: Api, dealId: string, rename: (name: string) => string): Promise<string> {
  const headers = { Authorization: `Bearer ${await api.adminToken()}`, 'Content-Type': 'application/json' };
  const deal = (await (await fetch(`${api.baseUrl}/api/deals/${dealId}`, { headers })).json()) as Deal;
  const response = await fetch(`${api.baseUrl}/api/deals/${dealId}`, { method: 'PATCH', headers, body: JSON.stringify({ name: rename(deal.name) }) });
  expect(response.ok, `PATCH /api/deals/${dealId} answered ${response.status}`).toBe(true);
  return deal.name;
}

async function adminName(api: Api): Promise<string> {
  const me = await fetch(`${api.baseUrl}/api/auth/me`, { headers: { Authorization: `Bearer ${await api.adminToken()}` } });
  return ((await me.json()) as { name: string }).name;
}

test.describe('the manager dashboard', () => {
  test('filters change the numbers, live in the URL and survive a reload', async ({ page, api }) => {
    const { teams } = await api.snapshot();
    const monthAll = await kpis(api, { period: 'month' });
    // The team whose quarter differs most visibly from the whole organisation's month.
    const quarters = await Promise.all(teams.map(async (team) => ({ team, figures: await kpis(api, { period: 'quarter', teamId: team.id }) })));
    const { team, figures: quarterTeam } = quarters.sort((a, b) => b.figures.funnel[0].reached - a.figures.funnel[0].reached)[0];

    await page.goto('/');
    const before = await expectFigures(page, monthAll);

    await page.getByTestId('filter-period').selectOption('quarter');
    await expect(page).toHaveURL(/[?&]period=quarter\b/);
    await page.getByTestId('filter-scope').selectOption(`team:${team.id}`);
    await expect(page).toHaveURL(new RegExp(`[?&]team=${team.id}\\b`));
    const after = await expectFigures(page, quarterTeam);
    expect(after, 'the figures did not change with the filters').not.toEqual(before);
    await expect(page.getByTestId('dashboard-subtitle')).toContainText(team.name);

    await page.reload();
    await expect(page.getByTestId('filter-period')).toHaveValue('quarter');
    await expect(page.getByTestId('filter-scope')).toHaveValue(`team:${team.id}`);
    expect(await expectFigures(page, quarterTeam)).toEqual(after);
  });

  test('a chart drills down to the deals behind it', async ({ page, api }) => {
    const figures = await kpis(api, { period: 'month' });
    await page.goto('/');
    await expectFigures(page, figures);

    await page.getByTestId('funnel').locator(`[data-stage="${figures.funnel[0].stage}"] button`).click();

    const panel = page.getByTestId('deals-panel');
    await expect(panel).toBeVisible();
    await expect(panel.getByTestId('drill-deal').first()).toBeVisible();
    const historyAsked = page.waitForResponse((response) => /^\/api\/deals\/[0-9a-f-]{36}\/history$/.test(new URL(response.url()).pathname));
    await panel.getByTestId('drill-deal').first().click();
    await expect(panel.getByTestId('deal-editor').locator('select[name="stage"]')).toHaveValue(figures.funnel[0].stage);

    // The deal's history, oldest first, starts with its creation...
    const dealId = new URL((await historyAsked).url()).pathname.split('/')[3];
    const entries = panel.getByTestId('deal-history').getByTestId('deal-history-entry');
    await expect(entries.first().getByTestId('deal-history-what')).toContainText(message('en', 'dealHistory.created').split(' {')[0]);
    // ...and shows a change made elsewhere as it happens, with who made it and the value before and after.
    const name = await renameDeal(api, dealId, (old) => `${old} (renamed)`);
    const last = entries.last();
    await expect(last.getByTestId('deal-history-who')).toHaveText(await adminName(api));
    await expect(last).toContainText(`${message('en', 'dealHistory.field.name')}: ${name} → ${name} (renamed)`);
    await expect(last.locator('time')).toHaveAttribute('title', /\d{4}, \d{2}:\d{2}$/);
    await renameDeal(api, dealId, () => name);

    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
  });

  test('switching to Bahasa Indonesia changes the labels and the number format', async ({ page, api }) => {
    const figures = await kpis(api, { period: 'month' });
    await page.goto('/');
    const revenue = page.getByTestId('kpi-revenue').getByTestId('kpi-value');
    await expect(revenue).toHaveText(await compactMoney(page, figures.kpis.revenue, 'en-US'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('en', 'dashboard.title'));

    await page.getByRole('button', { name: new RegExp(message('en', 'locale.name.id')) }).click();

    await expect(page.locator('html')).toHaveAttribute('lang', 'id');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('id', 'dashboard.title'));
    await expect(page.getByTestId('kpi-revenue').locator('h3')).toHaveText(message('id', 'kpi.label.revenue'));
    await expect(page.getByTestId('filter-period').locator('option:checked')).toHaveText(message('id', 'period.month'));
    // "Rp 2,4 M": a decimal comma and Indonesian magnitudes.
    await expect(revenue).toHaveText(await compactMoney(page, figures.kpis.revenue, 'id-ID'));
    await expect(revenue).toHaveText(/^Rp\s?\d{1,3}(,\d)?(\s?(rb|jt|M|T))?$/);

    // The choice is kept for the next visit.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('id', 'dashboard.title'));
  });
});
