/**
 * Debian's Chromium driven by playwright-core; never a downloaded browser. One instance serves
 * the bundle and frames scenarios; its whole process tree is measured and ended with the run.
 */
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

let browser = null;

export async function launchBrowser() {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 });
  return browser;
}

export async function closeBrowser() {
  const current = browser;
  browser = null;
  await current?.close().catch(() => undefined);
}

/** A fresh 1920×1080 page (a new context: no cache, no storage) with /tv loaded and drawn. */
export async function openWallboard(baseUrl, { onResponse } = {}) {
  const context = await (await launchBrowser()).newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  if (onResponse) page.on('response', onResponse);
  await page.goto(`${baseUrl}/tv`, { waitUntil: 'load', timeout: 30_000 });
  // Drawn: the store applied its snapshot (aria-busy false) and the pipeline has its bars.
  await page.waitForSelector('main.wallboard[aria-busy="false"]', { timeout: 30_000 });
  await page.waitForSelector('main.wallboard [data-testid="pipeline-chart"] [data-testid="pipeline-bar"]', { timeout: 30_000 });
  return { page, context };
}
