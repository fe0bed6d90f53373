/**
 * Who sees what, in the browser: a rep signed in on their phone never receives another rep's
 * deal over the socket, and a manager's dashboard opens on the team they run.
 */
import type { Deal, Rep, Team } from '@salesboard/shared';
import { expect, test } from '../support/fixtures.js';
import { rest, signIn, signInOnPage } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';

const PASSWORD = 'a long enough e2e password';

test.describe('roles in the browser', () => {
  test("a rep's phone receives their own deals and nothing of a colleague's", async ({ page, api }) => {
    const admin = await signIn(api.baseUrl, E2E_ADMIN.email, E2E_ADMIN.password);
    const reps = await rest<Rep[]>(api.baseUrl, admin, 'GET', '/api/reps');
    const [me, colleague] = reps.filter((rep) => rep.active && rep.teamId !== null);
    const email = `rep.${Date.now()}@e2e.salesboard.test`;
    await rest(api.baseUrl, admin, 'POST', '/api/users', { email, name: me.name, password: PASSWORD, role: 'rep', repId: me.id });

    // Every frame the page's socket receives, as the browser got it.
    const frames: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));

    await signInOnPage(page, { email, password: PASSWORD }, '/me');
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByTestId('my-rank')).toContainText(me.name);
    await expect(page.getByTestId('rep-picker')).toHaveCount(0);
    await expect.poll(() => frames.some((frame) => frame.includes('"head"')), { timeout: 15_000 }).toBe(true);

    const secret = `Rahasia ${Date.now()}`;
    const theirs = await rest<Deal>(api.baseUrl, admin, 'POST', '/api/deals', { name: secret, ownerId: colleague.id, amount: '987654321' });
    const mine = await rest<Deal>(api.baseUrl, admin, 'POST', '/api/deals', { name: `Mine ${Date.now()}`, ownerId: me.id, amount: '1000000' });

    await expect.poll(() => frames.some((frame) => frame.includes(mine.id)), { timeout: 15_000 }).toBe(true);
    const received = frames.join('\n');
    expect(received).toContain('event.hidden');
    for (const detail of [theirs.id, secret, '987654321']) expect(received).not.toContain(detail);
  });

  test('a manager signs in and the dashboard opens on their team, offering only their teams and reps', async ({ page, api }) => {
    const admin = await signIn(api.baseUrl, E2E_ADMIN.email, E2E_ADMIN.password);
    const teams = await rest<Team[]>(api.baseUrl, admin, 'GET', '/api/teams');
    const reps = await rest<Rep[]>(api.baseUrl, admin, 'GET', '/api/reps');
    const team = teams[0];
    const email = `manager.${Date.now()}@e2e.salesboard.test`;
    await rest(api.baseUrl, admin, 'POST', '/api/users', { email, name: 'Manajer E2E', password: PASSWORD, role: 'manager', teamIds: [team.id] });

    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/') && response.status() === 403) refused.push(response.url());
    });
    await signInOnPage(page, { email, password: PASSWORD }, '/');

    const scope = page.getByTestId('filter-scope');
    await expect(scope).toHaveValue(`team:${team.id}`);
    await expect(page.getByTestId('kpi-cards')).not.toHaveAttribute('aria-busy', 'true');
    const offered = await scope.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    const teamReps = reps.filter((rep) => rep.teamId === team.id).map((rep) => `rep:${rep.id}`);
    expect(offered.sort()).toEqual([`team:${team.id}`, ...teamReps].sort());
    expect(refused).toEqual([]);
  });
});
