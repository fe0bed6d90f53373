/**
 * The dashboard's funnel is a cohort (issue #15): it narrows stage by stage, its bars with it, and
 * says what it counts, in English and in Bahasa Indonesia.
 */
import type { KpisResponse } from '@salesboard/shared';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import { message } from '../support/wallboard.js';

const PERIODS = ['month', 'quarter', 'year'] as const;

/** The plural message of the client's catalogue for `count`, with the locale's digit grouping. */
function reachedText(locale: 'en' | 'id', count: number): string {
  const [none, one, many] = message(locale, 'funnel.reached')
    .split('|')
    .map((form) => form.trim());
  const form = count === 0 ? none : count === 1 ? one : many;
  return form.replace('{count}', count.toLocaleString(locale === 'en' ? 'en-US' : 'id-ID'));
}

async function barWidths(funnel: Locator): Promise<number[]> {
  return funnel.locator('.bar').evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width));
}

async function expectFunnel(page: Page, locale: 'en' | 'id', period: string, figures: KpisResponse): Promise<void> {
  await expect(page.getByTestId('funnel-caption')).toHaveText(message(locale, `funnel.caption.${period}`));
  const funnel = page.getByTestId('funnel');
  await expect(funnel.getByTestId('funnel-reached')).toHaveText(figures.funnel.map((stage) => reachedText(locale, stage.reached)));
  const widths = await barWidths(funnel);
  expect(widths).toHaveLength(figures.funnel.length);
  for (let i = 1; i < widths.length; i++) expect(widths[i], `bar ${i} is wider than the one above`).toBeLessThanOrEqual(widths[i - 1] + 0.5);
}

test('the dashboard funnel narrows and says it counts the deals created in the period, in English and Bahasa', async ({ page, api }) => {
  // The shortest period whose cohort has deals in more than one stage, so narrowing shows.
  let chosen: { period: (typeof PERIODS)[number]; figures: KpisResponse } | null = null;
  for (const period of PERIODS) {
    const response = await fetch(`${api.baseUrl}/api/kpis?period=${period}`, { signal: AbortSignal.timeout(10_000) });
    expect(response.ok, `GET /api/kpis answered ${response.status}`).toBe(true);
    const figures = (await response.json()) as KpisResponse;
    if (figures.funnel[0].reached > figures.funnel.at(-1)!.reached) {
      chosen = { period, figures };
      break;
    }
  }
  expect(chosen, 'no period has a funnel with deals in more than one stage').not.toBeNull();
  const { period, figures } = chosen!;
  const counts = figures.funnel.map((stage) => stage.reached);
  for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]);

  await page.goto(`/?period=${period}`);
  await expectFunnel(page, 'en', period, figures);

  await page.getByRole('button', { name: new RegExp(message('en', 'locale.name.id')) }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expectFunnel(page, 'id', period, figures);
});
