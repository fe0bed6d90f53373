/**
 * Issue #15 item 8 in Chromium: the dashboard's leads-by-source panel follows lead.changed live,
 * a new lead and its conversion showing without a reload, in English and in Bahasa.
 */
import type { Lead, Rep, Team } from '@salesboard/shared';
import { E2E_ADMIN } from '../support/server-process.js';
import { expect, test } from '../support/fixtures.js';
import { rest, signIn, signInOnPage } from '../support/rest.js';

test('leads by source on the dashboard follow a new lead and its conversion live', async ({ page, api }) => {
  const admin = await signIn(api.baseUrl, E2E_ADMIN.email, E2E_ADMIN.password);
  const call = <T>(method: string, path: string, body?: unknown) => rest<T>(api.baseUrl, admin, method, path, body);
  const stamp = Date.now();
  const team = await call<Team>('POST', '/api/teams', { name: `Leads team ${stamp}` });
  const rep = await call<Rep>('POST', '/api/reps', { name: 'Lina Prospek', email: `lina.leads.${stamp}@e2e.salesboard.test`, teamId: team.id });
  const source = `Pameran ${stamp}`;

  await signInOnPage(page, E2E_ADMIN, '/');
  const card = page.getByTestId('lead-sources-card');
  await expect(card.getByTestId('lead-source-row').first()).toBeVisible();
  const row = card.locator(`[data-testid="lead-source-row"][data-source="${source}"]`);
  await expect(row).toHaveCount(0);

  const lead = await call<Lead>('POST', '/api/leads', { source, repId: rep.id });
  await expect(row).toHaveAttribute('data-created', '1');
  await expect(row.locator('.figures')).toHaveText('0 of 1 converted');

  await call('POST', `/api/leads/${lead.id}/status`, { status: 'qualified' });
  await call('POST', `/api/leads/${lead.id}/convert`, { amount: 5_000_000, dealName: `Pameran deal ${stamp}` });
  await expect(row).toHaveAttribute('data-converted', '1');
  await expect(row.locator('.conversion')).toHaveText('100%');

  // The same panel in Bahasa Indonesia.
  await page.getByTestId('language-toggle').getByRole('button', { name: /^ID/ }).click();
  await expect(card.getByRole('heading')).toHaveText('Lead per sumber');
  await expect(row.locator('.figures')).toHaveText('1 dari 1 dikonversi');
});
