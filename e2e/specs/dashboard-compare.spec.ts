/**
 * Issue #15 item 2 in Chromium: every card says what it compares with, the like-for-like span of
 * the previous period by default, and a switch in the URL sets it against the same span last
 * year; the figures compared are those GET /api/kpis gives for that span as a range of its own.
 */
import type { KpisResponse, Kpis } from '@salesboard/shared';
import type { Page } from '@playwright/test';
import { toMinor, type Api } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { message } from '../support/wallboard.js';

async function kpis(api: Api, query: Record<string, string>): Promise<KpisResponse> {
  const response = await fetch(`${api.baseUrl}/api/kpis?${new URLSearchParams(query)}`, { signal: AbortSignal.timeout(10_000) });
  expect(response.ok, `GET /api/kpis answered ${response.status}`).toBe(true);
  return (await response.json()) as KpisResponse;
}

/** The span as the page words it in en-US: "Nov 1 – 7", with the year when asked. */
function spanText(page: Page, from: string, to: string, withYear: boolean): Promise<string> {
  return page.evaluate(
    ([first, last, year]) =>
      new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'short', year: year ? 'numeric' : undefined, timeZone: 'UTC' }).formatRange(
        new Date(`${first}T12:00:00Z`),
        new Date(`${last}T12:00:00Z`),
      ),
    [from, to, withYear] as const,
  );
}

/** What the page compares with: the span and the figures it holds for it. */
async function compared(page: Page): Promise<{ from: string; to: string; kpis: Kpis } | null> {
  const attribute = await page.locator('main.dashboard').getAttribute('data-compared');
  return attribute ? (JSON.parse(attribute) as { from: string; to: string; kpis: Kpis }) : null;
}

test('the dashboard says what each card compares with, and the switch to last year compares with GET /api/kpis of that span', async ({ page, api }) => {
  await page.goto('/?period=month');
  await expect(page.locator('main.dashboard')).toHaveAttribute('data-kpis', /revenue/);
  const month = await kpis(api, { period: 'month' });
  const { period } = month;
  // Like for like: the previous month only as far as this one has gone.
  const daysSoFar = (Date.parse(`${period.previousTo}T00:00:00Z`) - Date.parse(`${period.previousFrom}T00:00:00Z`)) / 86_400_000 + 1;
  expect(daysSoFar).toBeLessThanOrEqual(31);
  expect(period.previousFrom.slice(8)).toBe('01');

  // The previous period so far: its span on the growth card and on every trend that has one.
  const previousSpan = await spanText(page, period.previousFrom, period.previousTo, period.previousTo.slice(0, 4) !== period.to.slice(0, 4));
  await page.getByTestId('more-kpis').click();
  const growth = page.getByTestId('kpi-growth');
  await expect(growth.getByTestId('kpi-trend')).toHaveText(message('en', 'kpi.trend.isComparisonAgainst').replace('{span}', previousSpan));
  await expect.poll(async () => (await compared(page))?.from).toBe(period.previousFrom);
  const previous = await kpis(api, { from: period.previousFrom, to: period.previousTo });
  expect((await compared(page))?.kpis).toEqual(previous.kpis);
  const arrows = page.locator('[data-testid="kpi-trend"]:is([data-direction="up"], [data-direction="down"], [data-direction="flat"])');
  expect(await arrows.count()).toBeGreaterThan(0);
  for (const text of await arrows.allInnerTexts()) expect(text).toContain(previousSpan);

  // Same period last year: kept in the URL, the span a year before, its figures those of that range.
  await page.getByTestId('filter-compare').selectOption('lastYear');
  await expect(page).toHaveURL(/compare=lastYear/);
  const lastYearSpan = await spanText(page, period.lastYearFrom, period.lastYearTo, true);
  expect(period.lastYearFrom.slice(0, 4)).toBe(String(Number(period.from.slice(0, 4)) - 1));
  await expect(growth.getByTestId('kpi-trend')).toHaveText(message('en', 'kpi.trend.isComparisonAgainst').replace('{span}', lastYearSpan));
  await expect.poll(async () => (await compared(page))?.from).toBe(period.lastYearFrom);
  const lastYear = await kpis(api, { from: period.lastYearFrom, to: period.lastYearTo });
  expect((await compared(page))?.kpis).toEqual(lastYear.kpis);
  // Growth against last year, by the same rule as the server's against the previous period.
  const before = toMinor(lastYear.kpis.revenue);
  const growthText =
    before === 0n
      ? message('en', 'common.notAvailable')
      : await page.evaluate(
          (ratio) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(ratio).replace(/^-/, '\u2212'),
          Number(toMinor(month.kpis.revenue) - before) / Number(before),
        );
  await expect(growth.getByTestId('kpi-value')).toHaveText(growthText);

  // A reload keeps the comparison.
  await page.reload();
  await expect(page.getByTestId('filter-compare')).toHaveValue('lastYear');
  await page.getByTestId('more-kpis').click();
  await expect(growth.getByTestId('kpi-trend')).toContainText(lastYearSpan);
});

test('the revenue card gives the pace needed a working day to reach the quota while the month runs', async ({ page, api }) => {
  await page.goto('/?period=month');
  await expect(page.locator('main.dashboard')).toHaveAttribute('data-kpis', /revenue/);
  const month = await kpis(api, { period: 'month' });
  test.skip(month.kpis.quota === null, 'no quota set for this month in the demo data');
  const detail = page.getByTestId('kpi-revenue').locator('.detail');
  const remaining = toMinor(month.kpis.quota!) - toMinor(month.kpis.revenue);
  if (remaining <= 0n) {
    await expect(detail).toContainText(message('en', 'kpi.detail.quotaReached'));
    return;
  }
  // Monday–Friday days from today (the organisation's) to the month's last, today included; at least one.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: month.period.timeZone }).format(new Date());
  let left = 0;
  for (let day = Date.parse(`${today}T00:00:00Z`); day <= Date.parse(`${month.period.to}T00:00:00Z`); day += 86_400_000) {
    if (![0, 6].includes(new Date(day).getUTCDay())) left++;
  }
  const days = BigInt(Math.max(1, left));
  const perDay = (remaining + days - 1n) / days;
  const amount = await page.evaluate(
    (value) =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'IDR', currencyDisplay: 'narrowSymbol', notation: 'compact', maximumFractionDigits: 1 }).format(
        value as `${number}`,
      ),
    `${perDay / 100n}.${String(perDay % 100n).padStart(2, '0')}`,
  );
  await expect(detail).toContainText(message('en', 'kpi.detail.paceNeeded').replace('{amount}', amount));
});
