/**
 * Pairing seen from the TV: on a server that lets no one watch without a credential, /tv shows
 * a code and its QR code; once a manager approves the code the TV starts the board by itself,
 * and a revoked TV goes back to showing a code.
 */
import type { Display } from '@salesboard/shared';
import { expect, test } from '../support/fixtures.js';
import { rest, signIn } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';

test.describe('a TV paired from its own screen', () => {
  test('shows a code and a QR code, starts the board once approved, and asks again when revoked', async ({ page, server }) => {
    const closed = await server.startOther({ PUBLIC_READ: 'off' });
    await page.goto(`${closed.baseUrl}/tv`);

    const card = page.getByTestId('pairing-card');
    await expect(card).toBeVisible();
    const code = (await page.getByTestId('pairing-code').innerText()).replace(/\s/g, '');
    expect(code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{8}$/);
    // The QR code is drawn: a canvas with dark and light pixels in it.
    const qrColours = await page.getByTestId('pairing-qr').evaluate((canvas) => {
      const element = canvas as HTMLCanvasElement;
      const pixels = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) seen.add(pixels[i]);
      return seen.size;
    });
    expect(qrColours).toBeGreaterThan(1);

    const admin = await signIn(closed.baseUrl, E2E_ADMIN.email, E2E_ADMIN.password);
    const display = await rest<Display>(closed.baseUrl, admin, 'POST', '/api/pairing/approve', { userCode: code, name: 'E2E TV from its screen' });

    // The TV's next poll brings its credential: the card goes and the board plays.
    await expect(card).toBeHidden({ timeout: 20_000 });
    await expect(page.getByTestId('stage')).toBeVisible();
    await expect(page.getByTestId('head-seq')).not.toHaveAttribute('data-seq', '');
    // The credential is kept, so the TV starts by itself after a power cut.
    expect(await page.evaluate(() => localStorage.getItem('salesboard.displayToken'))).toMatch(/^\S+$/);

    await rest(closed.baseUrl, admin, 'DELETE', `/api/displays/${display.id}`);
    await expect(card).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('pairing-code')).not.toHaveText(code);
  });
});
