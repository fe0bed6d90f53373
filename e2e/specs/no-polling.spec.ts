/**
 * Issue #14 item 2 in Chromium: a TV, a team's TV and a manager's dashboard, each open for 60 s
 * while a deal changes every second, ask REST nothing after their first load, and then hold the
 * figures a fresh GET /api/kpis gives.
 */
import type { Page } from '@playwright/test';
import { type Deal, type KpisResponse, parseScopeKey, type Rep, scopeToQuery, type Team } from '@salesboard/shared';
import { E2E_ADMIN } from '../support/server-process.js';
import { expect, test } from '../support/fixtures.js';
import { rest, signIn, signInOnPage } from '../support/rest.js';

const WATCH_MS = Number(process.env.NO_POLLING_WATCH_MS ?? 60_000);
const PASSWORD = 'no-polling-e2e-password';

/** What moves with the clock rather than with deals: compared apart from the rest. */
function withoutClock(kpis: KpisResponse['kpis']): unknown {
  return { ...kpis, forecast: { ...kpis.forecast, runRate: null } };
}

/** Records the page's REST requests from now on. */
function recordRest(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) calls.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  return calls;
}

async function heldKpis(page: Page, selector: string): Promise<KpisResponse['kpis']> {
  const json = await page.locator(selector).getAttribute('data-kpis');
  if (!json) throw new Error(`${selector} holds no figures`);
  return JSON.parse(json) as KpisResponse['kpis'];
}

test.describe('figures are pushed, not pulled', () => {
  test.setTimeout(4 * 60_000);

  test('a /tv, a team board and a manager dashboard make no REST request after their first load while deals change every second', async ({ browser, api }) => {
    const admin = await signIn(api.baseUrl, E2E_ADMIN.email, E2E_ADMIN.password);
    const call = <T>(method: string, path: string, body?: unknown) => rest<T>(api.baseUrl, admin, method, path, body);
    // A team and reps of its own: other specs move the demo's reps between teams.
    const stamp = Date.now();
    const team = await call<Team>('POST', '/api/teams', { name: `No polling team ${stamp}` });
    const reps = [
      await call<Rep>('POST', '/api/reps', { name: 'Rina Tanpa Polling', email: `rina.nopoll.${stamp}@e2e.salesboard.test`, teamId: team.id }),
      await call<Rep>('POST', '/api/reps', { name: 'Sari Tanpa Polling', email: `sari.nopoll.${stamp}@e2e.salesboard.test`, teamId: team.id }),
    ];
    const teamBoard = await call<{ id: string }>('POST', '/api/boards', {
      name: `No polling ${stamp}`,
      scope: { kind: 'team', id: team.id },
      scenes: [{ kind: 'quota', seconds: 600 }],
    });
    // A /tv without a board plays the first board by name: this one must not outlive the test.
    try {
      const email = `manager.nopoll.${stamp}@e2e.salesboard.test`;
      await call('POST', '/api/users', { email, name: 'Manajer Tanpa Polling', password: PASSWORD, role: 'manager', teamIds: [team.id] });

      const tv = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
      const teamTv = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
      const dashboard = await (await browser.newContext()).newPage();
      await tv.goto('/tv');
      await teamTv.goto(`/tv?board=${teamBoard.id}`);
      await signInOnPage(dashboard, { email, password: PASSWORD }, '/');
      const screens = [
        { name: '/tv', page: tv, selector: 'main.wallboard' },
        { name: 'team board', page: teamTv, selector: 'main.wallboard' },
        { name: 'dashboard', page: dashboard, selector: 'main.dashboard' },
      ];
      // First load done: each screen holds its figures and its socket is live.
      for (const screen of screens) {
        await expect(screen.page.locator(screen.selector)).toHaveAttribute('data-kpis', /revenue/);
        // Whatever else the first load asks for (the previous period, the won deals, the org lists) has been answered.
        await screen.page.waitForLoadState('networkidle');
      }
      const calls = screens.map((screen) => recordRest(screen.page));

      // A deal of the team changes every second for a minute: created, moved, won.
      const started = Date.now();
      let deal: Deal | null = null;
      for (let step = 0; Date.now() - started < WATCH_MS; step++) {
        const owner = reps[step % reps.length];
        if (step % 3 === 0)
          deal = await call<Deal>('POST', '/api/deals', {
            name: `No polling ${step}`,
            ownerId: owner.id,
            amount: `${(step + 1) * 1_000_000}`,
            stage: 'qualified',
          });
        else if (deal && step % 3 === 1) await call('POST', `/api/deals/${deal.id}/stage`, { stage: 'proposal' });
        else if (deal) await call('POST', `/api/deals/${deal.id}/stage`, { stage: 'won' });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }

      for (const [index, screen] of screens.entries()) {
        expect(calls[index], `${screen.name} asked REST after its first load`).toEqual([]);
        // The scope the screen shows (a TV without a board plays the first board, whatever it is).
        const scope = parseScopeKey((await screen.page.locator(screen.selector).getAttribute('data-scope')) ?? '');
        if (!scope) throw new Error(`${screen.name} names no scope`);
        const fresh = await call<KpisResponse>('GET', `/api/kpis?${new URLSearchParams({ period: 'month', ...scopeToQuery(scope) })}`);
        await expect
          .poll(async () => withoutClock(await heldKpis(screen.page, screen.selector)), { message: `${screen.name} holds other figures than GET /api/kpis` })
          .toEqual(withoutClock(fresh.kpis));
      }
    } finally {
      await call('DELETE', `/api/boards/${teamBoard.id}`);
    }
  });
});
