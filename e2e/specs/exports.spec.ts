import { readFileSync } from 'node:fs';
import type { KpisResponse, LeaderboardResponse, Team } from '@salesboard/shared';
import type { Download, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import { signInOnPage } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DAY = '\\d{4}-\\d{2}-\\d{2}';

/** RFC 4180 as the server writes it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

async function login(baseUrl: string): Promise<string> {
  const answer = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(E2E_ADMIN),
    signal: AbortSignal.timeout(10_000),
  });
  expect(answer.ok).toBe(true);
  return ((await answer.json()) as { accessToken: string }).accessToken;
}

async function get(baseUrl: string, token: string, path: string): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(20_000) });
  expect(response.ok, `GET ${path} answered ${response.status}`).toBe(true);
  return response;
}

/** Opens the export menu, picks `item` and waits for the file. */
async function exportFile(page: Page, testId: string): Promise<{ download: Download; bytes: Buffer }> {
  await page.getByTestId('export-toggle').click();
  const downloaded = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const download = await downloaded;
  expect(await download.failure()).toBeNull();
  return { download, bytes: readFileSync(await download.path()) };
}

test.describe('exports from the dashboard', () => {
  test('the CSVs and the PNG of a team’s view hold that team’s figures', async ({ page, baseURL }) => {
    const token = await login(baseURL!);
    const teams = (await (await get(baseURL!, token, '/api/teams')).json()) as Team[];
    // The team with the most deals, so the filter visibly leaves others out.
    const counted = await Promise.all(
      teams.map(async (team) => ({ team, csv: parseCsv(await (await get(baseURL!, token, `/api/export/deals.csv?teamId=${team.id}`)).text()) })),
    );
    const { team, csv: teamDeals } = counted.sort((a, b) => b.csv.length - a.csv.length)[0];
    const allDeals = parseCsv(await (await get(baseURL!, token, '/api/export/deals.csv')).text());
    expect(teamDeals.length).toBeGreaterThan(1);
    expect(allDeals.length).toBeGreaterThan(teamDeals.length);

    await signInOnPage(page, E2E_ADMIN, `/?team=${team.id}`);
    await expect(page).toHaveURL(new RegExp(`[?&]team=${team.id}\\b`));
    await expect(page.getByTestId('dashboard-subtitle')).toContainText(team.name);
    const kpis = (await (await get(baseURL!, token, `/api/kpis?period=month&teamId=${team.id}`)).json()) as KpisResponse;
    await expect(page.getByTestId('kpi-revenue').getByTestId('kpi-value')).not.toBeEmpty();
    const slug = team.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');

    // Deals: the export's header, and exactly the team's deals.
    const deals = await exportFile(page, 'export-deals');
    expect(deals.download.suggestedFilename()).toMatch(new RegExp(`^salesboard-deals-team-${slug}-${DAY}\\.csv$`));
    const dealRows = parseCsv(deals.bytes.toString('utf8'));
    expect(dealRows[0]).toEqual(allDeals[0]);
    expect(dealRows[0].slice(0, 4)).toEqual(['Deal ID', 'Source', 'External ID', 'Deal Name']);
    const teamColumn = dealRows[0].indexOf('Team');
    expect(dealRows.slice(1).map((row) => row[teamColumn])).toEqual(teamDeals.slice(1).map(() => team.name));
    expect(
      dealRows
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).toEqual(
      teamDeals
        .slice(1)
        .map((row) => row[0])
        .sort(),
    );

    // Leaderboard: the team's reps ranked by this month's revenue, as GET /api/leaderboard ranks them.
    const board = (await (await get(baseURL!, token, `/api/leaderboard?period=month&metric=revenue&teamId=${team.id}`)).json()) as LeaderboardResponse;
    const leaderboard = await exportFile(page, 'export-leaderboard');
    expect(leaderboard.download.suggestedFilename()).toMatch(new RegExp(`^salesboard-leaderboard-month-team-${slug}-${DAY}\\.csv$`));
    const boardRows = parseCsv(leaderboard.bytes.toString('utf8'));
    expect(boardRows[0].slice(0, 5)).toEqual(['Rank', 'ID', 'Name', 'Value', 'Movement']);
    expect(board.rows.length).toBeGreaterThan(0);
    expect(boardRows.slice(1).map((row) => [row[0], row[1], row[2]])).toEqual(
      board.rows.map((row) => [row.rank === null ? '' : String(row.rank), row.id, row.name]),
    );

    // KPIs: the figures of the team's month, one per row.
    const figures = await exportFile(page, 'export-kpis');
    expect(figures.download.suggestedFilename()).toMatch(new RegExp(`^salesboard-kpis-month-team-${slug}-${DAY}\\.csv$`));
    const kpiRows = parseCsv(figures.bytes.toString('utf8'));
    const header = kpiRows[0];
    expect(header.slice(0, 6)).toEqual(['Section', 'Scope', 'Scope ID', 'Key', 'Label', 'Value']);
    const figure = (key: string) => kpiRows.find((row) => row[header.indexOf('Section')] === 'kpi' && row[header.indexOf('Key')] === key);
    expect(figure('revenue')?.[header.indexOf('Value')]).toBe(kpis.kpis.revenue);
    expect(figure('openPipeline')?.[header.indexOf('Value')]).toBe(kpis.kpis.openPipeline);
    expect(figure('revenue')?.[header.indexOf('Scope ID')]).toBe(team.id);

    // PNG: a real image, with more in it than an empty canvas of its size.
    await expect(page.locator('#trend-title ~ * canvas').first()).toBeVisible();
    const png = await exportFile(page, 'export-png');
    expect(png.download.suggestedFilename()).toMatch(new RegExp(`^salesboard-dashboard-month-team-${slug}-${DAY}\\.png$`));
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const width = png.bytes.readUInt32BE(16);
    const height = png.bytes.readUInt32BE(20);
    expect(width).toBeGreaterThan(1000);
    // The whole page as on screen, at twice its CSS pixels: the leaderboard at the bottom included.
    const page2x = await page.locator('main').evaluate((main) => ({ width: main.clientWidth * 2, height: main.clientHeight * 2 }));
    expect(Math.abs(width - page2x.width)).toBeLessThanOrEqual(4);
    expect(Math.abs(height - page2x.height)).toBeLessThanOrEqual(4);
    const blank = await page.evaluate(
      ([w, h]) =>
        new Promise<number>((resolve) => {
          const canvas = document.createElement('canvas');
          canvas.width = w;
          canvas.height = h;
          const context = canvas.getContext('2d')!;
          context.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--page') || '#f3f5f8';
          context.fillRect(0, 0, w, h);
          canvas.toBlob((blob) => resolve(blob?.size ?? 0), 'image/png');
        }),
      [width, height] as const,
    );
    // Chromium compresses an empty canvas of this size to a few hundred KB; the view adds text, cards and a chart.
    expect(png.bytes.length).toBeGreaterThan(blank * 2);
    await png.download.saveAs(test.info().outputPath('dashboard.png'));
    await expect(page.getByTestId('export-error')).toHaveCount(0);
  });
});
