/** What the specs read off the wallboard page, by the test ids the client promises. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { Api } from './api.js';
import { REPO_ROOT } from './paths.js';

/** Opens /tv (with `query`, e.g. "?lang=id") and waits until it is live and shows a seq. */
export async function openWallboard(page: Page, query = ''): Promise<void> {
  await page.goto(`/tv${query}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('head-seq')).toHaveAttribute('data-seq', /^\d+$/);
}

/**
 * Moves the page's clock on, 2 s at a time (less than any celebration is shown), until `reached`
 * holds: the celebrations' own timers run 7 to 15 s each, and a test need not wait them out.
 * The page must have had `page.clock.install()` before it loaded.
 */
export async function fastForwardUntil(page: Page, reached: () => Promise<boolean>, message: string): Promise<void> {
  await expect
    .poll(
      async () => {
        if (await reached()) return true;
        await page.clock.fastForward(2_000);
        return false;
      },
      { message, intervals: [100], timeout: 30_000 },
    )
    .toBe(true);
}

/**
 * Shows `query` on the open wallboard without loading the page again: the address changes as Back
 * and Forward change it, and the app's router follows it. A scene named there mounts afresh, as it
 * does when a board's rotation reaches it; the socket, the figures and the fonts stay loaded.
 */
export async function showInPlace(page: Page, query: string): Promise<void> {
  await page.evaluate((url) => {
    history.replaceState(null, '', url);
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
  }, `/tv${query}`);
}

export async function headSeq(page: Page): Promise<number> {
  return Number(await page.getByTestId('head-seq').getAttribute('data-seq'));
}

/**
 * Leaves a mark in the page's window. The mark outlives everything but a navigation, so
 * finding it again later proves the page was never reloaded.
 */
export async function markDocument(page: Page): Promise<string> {
  const mark = `mark-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((value) => ((window as unknown as { __e2eMark?: string }).__e2eMark = value), mark);
  return mark;
}

export async function expectSameDocument(page: Page, mark: string): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: string }).__e2eMark), 'the page was reloaded').toBe(mark);
}

/** The pipeline's bars as drawn on screen, in pixels wide, by stage: all 0 means nothing is drawn. */
export function drawnBars(page: Page): Promise<Record<string, number>> {
  return page
    .getByTestId('pipeline-chart')
    .getByTestId('pipeline-bar')
    .evaluateAll((bars) => Object.fromEntries(bars.map((bar) => [bar.getAttribute('data-stage') ?? '', bar.getBoundingClientRect().width])));
}

/** How much of the pipeline chart is drawn: the bars' widths added up, in pixels. */
export async function pipelineInk(page: Page): Promise<number> {
  return Object.values(await drawnBars(page)).reduce((sum, width) => sum + width, 0);
}

/** Waits for the bars to have drawn and to have finished gliding (two equal reads). */
export async function waitForChartSettled(page: Page): Promise<void> {
  let previous = -1;
  await expect
    .poll(
      async () => {
        const ink = await pipelineInk(page);
        const settled = ink > 0 && ink === previous;
        previous = ink;
        return settled;
      },
      { intervals: [300] },
    )
    .toBe(true);
}

type Catalogue = { [key: string]: string | Catalogue };
const catalogues = new Map<string, Catalogue>();

/**
 * A message from the client's own catalogue (`client/src/i18n/<locale>.json`) by its dotted
 * key, so a label reworded there needs no change here.
 */
export function message(locale: 'en' | 'id', key: string): string {
  let catalogue = catalogues.get(locale);
  if (!catalogue) {
    catalogue = JSON.parse(readFileSync(join(REPO_ROOT, `client/src/i18n/${locale}.json`), 'utf8')) as Catalogue;
    catalogues.set(locale, catalogue);
  }
  let node: string | Catalogue | undefined = catalogue;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no message ${key} in ${locale}.json`);
  return node;
}

/** A feed or leaderboard line as the client words it: `{rep} moved {deal} to {stage}`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/**
 * The pipeline the page has built up event by event equals the one the server computes from
 * scratch: the same deal count and the same amount (to the rupiah) in every open stage.
 */
export async function expectPipelineToMatchServer(page: Page, api: Api): Promise<void> {
  const { pipeline, stages } = await api.snapshot();
  const byStage = new Map(pipeline.map((summary) => [summary.stage, summary]));
  const expected = await page.evaluate(
    (rows) =>
      rows.map(({ stage, count, amount }) => ({
        stage,
        count: String(count),
        amount: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'IDR', currencyDisplay: 'narrowSymbol' }).format(amount as `${number}`),
      })),
    stages
      .filter((stage) => stage.kind === 'open')
      .map((stage) => ({ stage: stage.key, count: byStage.get(stage.key)?.count ?? 0, amount: byStage.get(stage.key)?.amount ?? '0' })),
  );
  await expect
    .poll(() =>
      page
        .getByTestId('pipeline-chart')
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => ({
            stage: row.getAttribute('data-stage'),
            count: row.querySelector('td:nth-child(2)')?.textContent?.trim(),
            amount: row.querySelector('td:nth-child(3)')?.textContent?.trim(),
          })),
        ),
    )
    .toEqual(expected);
  // The bars' lengths are the amounts' proportions: the longest bar is the largest amount.
  const amounts = new Map(expected.map(({ stage }) => [stage, Number(byStage.get(stage)?.amount ?? 0)]));
  const largest = Math.max(...amounts.values());
  await expect
    .poll(async () => {
      const widths = await drawnBars(page);
      const longest = Math.max(...Object.values(widths));
      return Object.entries(widths).map(([stage, width]) => [stage, largest > 0 && longest > 0 ? Math.round((width / longest) * 100) : 0]);
    })
    .toEqual([...amounts].map(([stage, amount]) => [stage, largest > 0 ? Math.round((amount / largest) * 100) : 0]));
}

/** "Rp 120M": a compact rupiah amount as the page formats it, by the page's own Intl, from the exact decimal text. */
export function compactMoney(page: Page, amount: string): Promise<string> {
  return page.evaluate(
    (value) =>
      new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: 'IDR',
        currencyDisplay: 'narrowSymbol',
        notation: 'compact',
        maximumFractionDigits: 1,
      }).format(value as `${number}`),
    amount,
  );
}
