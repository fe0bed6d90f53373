import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deal, KpisResponse } from '@salesboard/shared';
import type { Api } from '../support/api.js';
import { expect, test } from '../support/fixtures.js';
import { E2E_DIR } from '../support/paths.js';
import { signInOnPage } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';
import { compactMoney, message } from '../support/wallboard.js';

/**
 * A HubSpot deals export as HubSpot writes it (BOM, CRLF, quoted commas, its own stage names), with
 * one stage value no pipeline of ours knows ("Pilot Running"), one row without a deal name (line 5),
 * and names spelt their own way: the demo's products "SalesboardGrowth" and "Training Pakage", and
 * its rep "Budi Santsoo".
 */
const FIXTURE = join(E2E_DIR, 'fixtures/hubspot-deals-e2e.csv');
const OPEN_AMOUNT = 4_000_000_000n + 2_500_000_000n + 1_500_000_000n;

async function openPipeline(api: Api): Promise<string> {
  const response = await fetch(`${api.baseUrl}/api/kpis?period=month`, { signal: AbortSignal.timeout(10_000) });
  expect(response.ok, `GET /api/kpis answered ${response.status}`).toBe(true);
  return ((await response.json()) as KpisResponse).kpis.openPipeline;
}

const wholeRupiah = (amount: string) => BigInt(amount.split('.')[0]);

async function readAsAdmin<T>(api: Api, path: string): Promise<T> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    headers: { Authorization: `Bearer ${await api.adminToken()}` },
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.ok, `GET ${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

test.describe('importing a CRM export from the admin pages', () => {
  test('an admin previews a HubSpot export, maps its unknown stage, imports it with live progress and downloads the rejected row', async ({ page, api }) => {
    const before = await openPipeline(api);

    await signInOnPage(page, E2E_ADMIN, '/admin/import');
    await expect(page).toHaveURL(/\/admin\/import$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('en', 'importer.title'));

    await page.getByLabel(message('en', 'importer.file.label')).setInputFiles(FIXTURE);

    // The preview: the file's first rows, its size and separator.
    const preview = page.getByTestId('import-preview');
    await expect(preview.getByTestId('import-row-count')).toHaveAttribute('data-count', '5');
    await expect(preview.getByTestId('import-delimiter')).toContainText(message('en', 'importer.delimiter.comma'));
    await expect(preview.getByRole('columnheader', { name: 'Deal Name' })).toBeVisible();
    await expect(preview.getByRole('cell', { name: 'E2E Import Sumatra Mining, phase 2' })).toBeVisible();

    // HubSpot's headers map themselves; what no field takes is listed.
    await expect(page.getByTestId('column-name')).toHaveValue('Deal Name');
    await expect(page.getByTestId('column-stage')).toHaveValue('Deal Stage');
    await expect(page.getByTestId('column-amount')).toHaveValue('Amount');
    await expect(page.getByTestId('column-owner')).toHaveValue('Deal owner');
    await expect(page.getByTestId('column-externalId')).toHaveValue('Record ID');
    await expect(page.getByTestId('unmapped-headers')).toContainText('Pipeline');
    await expect(page.getByTestId('unmapped-headers')).toContainText('Deal Type');

    // HubSpot's stage names are guessed; "Pilot Running" is not, and says so until it is mapped.
    const stageRow = (value: string) => page.getByTestId('stages-row').and(page.locator(`[data-value="${value}"]`));
    await expect(stageRow('Contract Sent').getByRole('combobox')).toHaveValue('negotiation');
    await expect(stageRow('Closed Lost').getByRole('combobox')).toHaveValue('lost');
    await expect(stageRow('Pilot Running')).toHaveAttribute('data-unknown', 'true');
    await expect(page.getByTestId('unknown-values')).toContainText('Pilot Running');
    await page.getByLabel('Stage for “Pilot Running”').selectOption('demo');
    await expect(stageRow('Pilot Running')).toHaveAttribute('data-unknown', 'false');

    // Product names that match none of ours as written are listed with the nearest one offered, not applied.
    const productRow = (value: string) => page.getByTestId('products-row').and(page.locator(`[data-value="${value}"]`));
    await expect(page.getByTestId('products-row')).toHaveCount(2);
    await expect(page.getByTestId('unknown-values')).toContainText('SalesboardGrowth');
    await expect(productRow('SalesboardGrowth').getByRole('combobox')).toHaveValue('');
    await expect(productRow('SalesboardGrowth').getByTestId('suggestion')).toHaveText('Did you mean “Salesboard Growth”?');
    await productRow('SalesboardGrowth').getByTestId('suggestion').click();
    await expect(productRow('SalesboardGrowth').getByRole('combobox')).toHaveValue('Salesboard Growth');
    await expect(productRow('SalesboardGrowth')).toHaveAttribute('data-unknown', 'false');
    await page.getByLabel('Product for “Training Pakage”').selectOption('Training Package');

    // The owner named in the file is new here, and one owner is a demo rep misspelt: they would be created, unless mapped.
    await page.getByLabel(message('en', 'importer.options.createReps')).check();
    const ownerRow = (value: string) => page.getByTestId('owners-row').and(page.locator(`[data-value="${value}"]`));
    await expect(ownerRow('Budi Santsoo')).toContainText(message('en', 'importer.names.new'));
    await ownerRow('Budi Santsoo').getByTestId('suggestion').click();
    await expect(ownerRow('Budi Santsoo').getByRole('combobox')).toHaveValue('Budi Santoso');
    await expect(page.getByTestId('unknown-values')).toHaveCount(0);

    await page.screenshot({ path: test.info().outputPath('import-mapping.png'), fullPage: true });
    await page.getByTestId('import-start').click();

    const bar = page.getByRole('progressbar');
    await expect(bar).toHaveAttribute('aria-valuemax', '5');
    await expect(bar).toHaveAttribute('aria-valuenow', '5');
    const summary = page.getByTestId('import-summary');
    await expect(summary).toHaveAttribute('data-status', 'completed');
    await expect(summary.getByTestId('summary-created')).toHaveAttribute('data-count', '4');
    await expect(summary.getByTestId('summary-updated')).toHaveAttribute('data-count', '0');
    await expect(summary.getByTestId('summary-rejected')).toHaveAttribute('data-count', '1');
    await expect(summary.getByTestId('summary-repsCreated')).toHaveAttribute('data-count', '1');
    await expect(summary.getByTestId('summary-accountsCreated')).toHaveAttribute('data-count', '4');
    await expect(summary.getByTestId('summary-productsCreated')).toHaveAttribute('data-count', '0');
    await expect(page.getByTestId('progress-rejected')).toContainText('1');

    await page.screenshot({ path: test.info().outputPath('import-summary.png'), fullPage: true });

    // The rejected row, with its line in the file and why.
    const downloaded = page.waitForEvent('download');
    await summary.getByRole('button', { name: message('en', 'importer.summary.downloadRejected') }).click();
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/^import-[0-9a-f-]{36}-rejected\.csv$/);
    const report = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = report.trim().split(/\r?\n/);
    expect(header.toLowerCase()).toMatch(/^line,reason,/);
    expect(header).toContain('Deal Name');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^5,/);
    expect(rows[0]).toMatch(/name/i);
    expect(rows[0]).toContain('9010004');

    // The mapped names went to the existing product and rep.
    const [products, reps, deals] = await Promise.all([
      readAsAdmin<{ id: string; name: string }[]>(api, '/api/products'),
      readAsAdmin<{ id: string; name: string }[]>(api, '/api/reps'),
      readAsAdmin<Deal[]>(api, '/api/deals?limit=1000'),
    ]);
    const idOf = (list: { id: string; name: string }[], name: string) => list.find((item) => item.name === name)?.id;
    const deal = (name: string) => deals.find((d) => d.name === name);
    expect(deal('E2E Import Nusantara Foods pilot')?.productId).toBe(idOf(products, 'Salesboard Growth'));
    expect(deal('E2E Import Bali Resorts Ubud wing')?.productId).toBe(idOf(products, 'Training Package'));
    expect(deal('E2E Import Bali Resorts Ubud wing')?.ownerId).toBe(idOf(reps, 'Budi Santoso'));
    expect(products.map((p) => p.name)).not.toContain('SalesboardGrowth');
    expect(reps.map((r) => r.name)).not.toContain('Budi Santsoo');

    // The recent imports list has it too.
    const job = page.getByTestId('import-jobs').getByRole('row', { name: /hubspot-deals-e2e\.csv/ });
    await expect(job.first()).toContainText(message('en', 'importer.jobStatus.completed'));

    // The dashboard, in the same page, counts the three open deals in its open pipeline.
    const after = await openPipeline(api);
    expect(wholeRupiah(after) - wholeRupiah(before)).toBe(OPEN_AMOUNT);
    await page.getByRole('link', { name: message('en', 'nav.dashboard'), exact: true }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('kpi-openPipeline').getByTestId('kpi-value')).toHaveText(await compactMoney(page, after));
    expect(await compactMoney(page, after)).not.toBe(await compactMoney(page, before));
  });
});
