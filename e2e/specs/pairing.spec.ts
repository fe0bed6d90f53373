import type { PairingPoll, PairingStart } from '@salesboard/shared';
import { expect, test } from '../support/fixtures.js';
import { E2E_ADMIN } from '../support/server-process.js';
import { message } from '../support/wallboard.js';

async function post<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.ok, `POST ${url} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

test.describe('pairing a TV from the admin pages', () => {
  test('a manager signs in, enters the code the TV shows and the TV receives its credential; the TV can be revoked', async ({ page, api }) => {
    // The TV's side, as its pairing card does it: ask for a code.
    const started = await post<PairingStart>(`${api.baseUrl}/api/pairing`);

    // The QR code on the TV opens this URL: sign in first, then back with the code filled in.
    await page.goto(`/admin/pair?code=${started.userCode}`);
    await expect(page).toHaveURL(/\/login\?redirect=/);
    await page.getByLabel(message('en', 'auth.email')).fill(E2E_ADMIN.email);
    await page.getByLabel(message('en', 'auth.password')).fill(E2E_ADMIN.password);
    await page.getByRole('button', { name: message('en', 'auth.login') }).click();

    await expect(page).toHaveURL(new RegExp(`/admin/pair\\?code=${started.userCode}$`));
    await expect(page.locator('input[name="userCode"]')).toHaveValue(started.userCode);
    await page.getByLabel(message('en', 'pair.name')).fill('E2E west wall');
    await page.getByRole('button', { name: message('en', 'pair.submit') }).click();
    await expect(page.getByTestId('pair-done')).toContainText('E2E west wall');

    // The TV's next poll carries its display credential.
    await expect
      .poll(async () => (await post<PairingPoll>(`${api.baseUrl}/api/pairing/token`, { deviceCode: started.deviceCode })).status, {
        intervals: [started.interval * 1000],
        timeout: 20_000,
      })
      .toBe('approved');

    await page.getByRole('link', { name: message('en', 'pair.toDisplays') }).click();
    const row = page.getByTestId('displays').getByRole('row', { name: /E2E west wall/ });
    await expect(row).toBeVisible();
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: new RegExp(message('en', 'displays.revoke')) }).click();
    await expect(row).toContainText(message('en', 'displays.revoked'));
  });

  test('a wrong code is refused with the server’s own words', async ({ page }) => {
    await page.goto('/login?redirect=/admin/pair');
    await page.getByLabel(message('en', 'auth.email')).fill(E2E_ADMIN.email);
    await page.getByLabel(message('en', 'auth.password')).fill(E2E_ADMIN.password);
    await page.getByRole('button', { name: message('en', 'auth.login') }).click();
    await expect(page).toHaveURL(/\/admin\/pair$/);

    await page.locator('input[name="userCode"]').fill('ACDE FGHJ');
    await page.getByLabel(message('en', 'pair.name')).fill('Nobody');
    await page.getByRole('button', { name: message('en', 'pair.submit') }).click();

    await expect(page.getByTestId('pair-error')).toContainText('no TV is waiting with this code');
  });
});
