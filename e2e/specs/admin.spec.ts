/**
 * The admin area at /admin in real Chromium against the real server: an admin changes users,
 * teams, territories, stages and API keys through the screens, a second page follows a rename
 * live, the audit log lists it all; managers and reps see only what their role allows.
 */
import type { Board, Deal, Display, PairingStart, Snapshot, Stage, Team, User } from '@salesboard/shared';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import { signInOnPage } from '../support/rest.js';
import { E2E_ADMIN } from '../support/server-process.js';
import { expectSameDocument, fill, markDocument, message } from '../support/wallboard.js';

const en = (key: string, values: Record<string, string | number> = {}) => fill(message('en', key), values);
const unique = () => Math.random().toString(36).slice(2, 8);

/** One admin sign-in per run: the server limits login attempts, and the other specs sign in too. */
const adminTokens = new Map<string, Promise<string>>();

function adminToken(baseUrl: string): Promise<string> {
  let token = adminTokens.get(baseUrl);
  if (!token) {
    token = fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(E2E_ADMIN) }).then(
      async (login) => {
        expect(login.ok, `admin login answered ${login.status}`).toBe(true);
        return ((await login.json()) as { accessToken: string }).accessToken;
      },
    );
    adminTokens.set(baseUrl, token);
  }
  return token;
}

/** The REST API as the admin, for set-up and clean-up the screens under test do not cover. */
async function asAdmin<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${await adminToken(baseUrl)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path} answered ${response.status}: ${text}`).toBe(true);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * A row's button, "Edit" with the row's name for screen readers ("Edit: Jakarta Raya"); Chromium
 * puts a space before the visually hidden part, so the colon may stand apart.
 */
function labelled(action: string, name: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(action)}\\s*:\\s*${escape(name)}$`);
}

function adminNav(page: Page) {
  return page.getByTestId('admin-nav');
}

/** "1,234" as the page prints a count in English. */
async function countIn(page: Page, testId: string, territoryId: string): Promise<number> {
  const text = await page.locator(`[data-territory-id="${territoryId}"] [data-testid="${testId}"]`).innerText();
  return Number(text.replace(/[^\d]/g, ''));
}

test.describe('the admin area', () => {
  test('an admin manages users, teams, territories, stages and API keys, live on a second page, and audited', async ({ page, context, baseURL }) => {
    test.setTimeout(120_000);
    const base = baseURL!;
    const snapshot = await asAdmin<Snapshot>(base, 'GET', '/snapshot');
    const team = snapshot.teams[0];
    const openStages = new Set(snapshot.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.key));
    const demoStage = snapshot.stages.find((stage) => stage.kind === 'open' && stage.position > 1) ?? snapshot.stages[0];
    const tag = unique();
    const cleanUp: (() => Promise<unknown>)[] = [];

    try {
      await signInOnPage(page, E2E_ADMIN, '/admin/users');
      await expect(page).toHaveURL(/\/admin\/users$/);

      // ---- Users: a new manager of one team ----
      const managerEmail = `manager-${tag}@e2e.salesboard.test`;
      await page.getByRole('button', { name: en('adminArea.users.new') }).click();
      const form = page.getByTestId('user-form');
      await form.getByLabel(en('adminArea.users.name')).fill(`E2E Manager ${tag}`);
      await form.getByLabel(en('adminArea.users.email')).fill(managerEmail);
      await form.getByLabel(en('adminArea.users.role')).selectOption('manager');
      await form.getByLabel(en('adminArea.users.password'), { exact: true }).fill('manager password 1234');
      await form.getByRole('checkbox', { name: team.name }).check();
      await form.getByRole('button', { name: en('adminArea.users.create') }).click();
      const userRow = page.getByTestId('users').getByRole('row', { name: new RegExp(`E2E Manager ${tag}`) });
      await expect(userRow).toContainText(managerEmail);
      await expect(userRow).toContainText(en('adminArea.roles.manager'));
      await expect(userRow).toContainText(team.name);

      // ---- Teams: a rename reaches a dashboard open in another tab, without a reload ----
      const dashboard = await context.newPage();
      await dashboard.goto('/');
      await expect(dashboard.getByTestId('filter-scope').locator('option', { hasText: team.name })).toHaveCount(1);
      const mark = await markDocument(dashboard);

      const renamed = `${team.name} ${tag}`;
      cleanUp.push(() => asAdmin(base, 'PATCH', `/teams/${team.id}`, { name: team.name }));
      await adminNav(page)
        .getByRole('link', { name: en('adminArea.nav.teams') })
        .click();
      await page.getByRole('button', { name: labelled(en('adminArea.common.edit'), team.name) }).click();
      await page.locator('input[name="teamName"]').fill(renamed);
      await page.getByRole('button', { name: en('adminArea.common.save'), exact: true }).click();
      await expect(page.getByTestId('teams').getByRole('row', { name: new RegExp(renamed) })).toBeVisible();

      await expect(dashboard.getByTestId('filter-scope').locator('option', { hasText: renamed })).toHaveCount(1);
      await expectSameDocument(dashboard, mark);
      await dashboard.close();

      // ---- Territories: moving a rep moves their open deals, and the figures follow ----
      const [from, to] = snapshot.territories;
      const reps = await asAdmin<{ id: string; name: string; territoryId: string | null }[]>(base, 'GET', '/reps');
      let mover: { id: string; name: string; open: number } | null = null;
      for (const rep of reps.filter((candidate) => candidate.territoryId === from.id)) {
        const deals = await asAdmin<Deal[]>(base, 'GET', `/deals?repId=${rep.id}&limit=1000`);
        const open = deals.filter((deal) => openStages.has(deal.stage)).length;
        if (open > 0) {
          mover = { id: rep.id, name: rep.name, open };
          break;
        }
      }
      expect(mover, `no rep of ${from.name} has open deals`).not.toBeNull();
      const rep = mover!;
      cleanUp.push(() => asAdmin(base, 'PATCH', `/reps/${rep.id}`, { territoryId: from.id }));

      await adminNav(page)
        .getByRole('link', { name: en('adminArea.nav.territories') })
        .click();
      await expect(page.locator(`[data-territory-id="${to.id}"]`)).toBeVisible();
      const before = await countIn(page, 'open-deals', to.id);
      await page.getByLabel(en('adminArea.territories.territoryOf', { rep: rep.name })).selectOption({ label: to.name });
      await expect(page.getByTestId('territory-notice')).toHaveText(en('adminArea.territories.moved', { rep: rep.name, territory: to.name }));
      await expect(page.locator(`[data-territory-id="${to.id}"] [data-rep-id="${rep.id}"]`)).toBeVisible();
      await expect.poll(() => countIn(page, 'open-deals', to.id)).toBe(before + rep.open);

      // ---- Stages: an inline probability edit ----
      const probability = demoStage.probability === 45 ? 55 : 45;
      cleanUp.push(() => asAdmin(base, 'PATCH', `/stages/${demoStage.key}`, { probability: demoStage.probability }));
      await adminNav(page)
        .getByRole('link', { name: en('adminArea.nav.stages') })
        .click();
      await page.getByLabel(en('adminArea.stages.probabilityOf', { key: demoStage.key })).fill(String(probability));
      await page.getByRole('button', { name: labelled(en('adminArea.common.save'), demoStage.label) }).click();
      await expect(page.getByTestId('stage-notice')).toHaveText(en('adminArea.stages.saved', { label: demoStage.label }));
      const stages = await asAdmin<Stage[]>(base, 'GET', '/stages');
      expect(stages.find((stage) => stage.key === demoStage.key)?.probability).toBe(probability);

      // ---- API keys: shown once, gone after a reload, then revoked ----
      const keyName = `E2E key ${tag}`;
      await adminNav(page)
        .getByRole('link', { name: en('adminArea.nav.keys') })
        .click();
      await page.getByLabel(en('adminArea.keys.name'), { exact: true }).fill(keyName);
      await page.getByRole('checkbox', { name: en('adminArea.keys.scope.write') }).check();
      await page.getByRole('button', { name: en('adminArea.keys.create') }).click();
      const created = page.getByTestId('created-key');
      await expect(created).toContainText(en('adminArea.keys.onceNote'));
      const secret = await page.getByTestId('created-key-secret').inputValue();
      expect(secret.length).toBeGreaterThan(20);
      // The key works: it reads the API as itself.
      const asKey = await fetch(`${base}/api/auth/me`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(asKey.status).toBe(200);

      await page.reload();
      const keyRow = page.getByTestId('keys').getByRole('row', { name: new RegExp(keyName) });
      await expect(keyRow).toBeVisible();
      await expect(page.getByTestId('created-key')).toHaveCount(0);
      expect(await page.content()).not.toContain(secret);

      page.once('dialog', (dialog) => void dialog.accept());
      await keyRow.getByRole('button', { name: new RegExp(en('adminArea.keys.revoke')) }).click();
      await expect(keyRow).toContainText(/Revoked/);
      const afterRevoke = await fetch(`${base}/api/auth/me`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(afterRevoke.status).toBe(401);

      // ---- The audit log lists every one of these changes, newest first ----
      await adminNav(page)
        .getByRole('link', { name: en('adminArea.nav.audit') })
        .click();
      const audit = page.getByTestId('audit');
      await expect(audit).toBeVisible();
      const actions = async () => audit.locator('tbody tr th code').allInnerTexts();
      await expect.poll(actions).toEqual(expect.arrayContaining([expect.stringMatching(/^apiKey\.revoke/), expect.stringMatching(/^apiKey\.create/)]));
      const listed = await actions();
      for (const expected of [/^user\.create/, /^team\.update/, /^rep\.update/, /^stage\.update/]) {
        expect(
          listed.some((action) => expected.test(action)),
          `${expected} in ${listed.join(', ')}`,
        ).toBe(true);
      }
      expect(listed.findIndex((action) => /^apiKey\.revoke/.test(action))).toBeLessThan(listed.findIndex((action) => /^user\.create/.test(action)));
      await expect(audit.getByRole('row', { name: new RegExp(keyName) }).first()).toBeVisible();

      // The filter narrows the log to one action.
      await page.getByLabel(en('adminArea.audit.filter')).fill(listed.find((action) => /^apiKey\.create/.test(action))!);
      await page.getByRole('button', { name: en('adminArea.audit.apply') }).click();
      await expect.poll(async () => new Set(await actions()).size).toBe(1);
    } finally {
      for (const undo of cleanUp.reverse()) await undo().catch(() => undefined);
    }
  });

  test("the audit log names its targets and shows the organisation's time, whatever the browser's zone", async ({ browser, baseURL }) => {
    const team = await asAdmin<Team>(baseURL!, 'POST', '/teams', { name: `E2E Audit team ${unique()}` });
    // A browser far from the organisation (Asia/Jakarta, the server's TZ_ORG): its own clock must not show.
    const context = await browser.newContext({ timezoneId: 'America/Los_Angeles', baseURL });
    const page = await context.newPage();
    try {
      await signInOnPage(page, E2E_ADMIN, '/admin/audit');
      const audit = page.getByTestId('audit');
      const row = audit
        .getByTestId('audit-entry')
        .filter({ has: page.locator('code', { hasText: /^team\.create$/ }) })
        .filter({ hasText: team.name })
        .first();
      await expect(row.getByTestId('audit-target')).toHaveText(`${en('adminArea.audit.kind.team')} · ${team.name}`);
      await expect(row.getByTestId('audit-target')).toHaveAttribute('title', `team:${team.id}`);
      await expect(audit.locator('thead')).toContainText(en('adminArea.audit.whenIn', { zone: 'Asia/Jakarta' }));

      const when = row.getByTestId('audit-when');
      const at = (await when.getAttribute('datetime'))!;
      const expected = (timeZone: string) =>
        new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
          new Date(at),
        );
      expect(expected('Asia/Jakarta')).not.toBe(expected('America/Los_Angeles'));
      await expect(when).toHaveText(expected('Asia/Jakarta'));
      // No target in the whole page is shown as a bare UUID.
      for (const text of await audit.getByTestId('audit-target').allInnerTexts()) expect(text).not.toMatch(/^[a-zA-Z]+:[0-9a-f-]{36}$/);
    } finally {
      await context.close();
    }
  });

  test('a manager sees only displays, pairing and territories', async ({ page, baseURL }) => {
    const credentials = { email: `manager-${unique()}@e2e.salesboard.test`, password: 'manager password 1234' };
    await asAdmin<User>(baseURL!, 'POST', '/users', { ...credentials, name: 'E2E Section Manager', role: 'manager', teamIds: [] });

    await signInOnPage(page, credentials, '/admin');
    await expect(page).toHaveURL(/\/admin$/);
    await expect(adminNav(page).getByRole('link')).toHaveText([en('adminArea.nav.displays'), en('adminArea.nav.pair'), en('adminArea.nav.territories')]);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('displays.title'));

    // An admin-only section by its address leads back to the displays.
    await page.goto('/admin/keys');
    await expect(page).toHaveURL(/\/admin$/);
    await page.goto('/admin/territories');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('adminArea.territories.title'));
  });

  test("a manager is offered only their teams' boards to pair to, and Revoke only on the TVs the server lets them revoke", async ({ page, baseURL }) => {
    // A team of its own: giving the manager a seeded team would take it from the manager other specs sign in as.
    const team = await asAdmin<Team>(baseURL!, 'POST', '/teams', { name: `E2E Pairing team ${unique()}` });
    const credentials = { email: `manager-${unique()}@e2e.salesboard.test`, password: 'manager password 1234' };
    const manager = await asAdmin<User>(baseURL!, 'POST', '/users', { ...credentials, name: 'E2E Pairing Manager', role: 'manager', teamIds: [team.id] });
    const teamBoard = await asAdmin<Board>(baseURL!, 'POST', '/boards', {
      name: `E2E ${team.name} floor ${unique()}`,
      scenes: [{ kind: 'leaderboard', seconds: 20 }],
      scope: { kind: 'team', id: team.id },
    });
    const everyBoard = await asAdmin<Board[]>(baseURL!, 'GET', '/boards');
    const code = (await (await fetch(`${baseURL}/api/pairing`, { method: 'POST' })).json()) as PairingStart;
    const adminsTv = await asAdmin<Display>(baseURL!, 'POST', '/pairing/approve', { userCode: code.userCode, name: `E2E admin's TV ${unique()}` });
    try {
      await signInOnPage(page, credentials, '/admin/pair');
      // The organisation's boards are there, but not for this manager: only their team's is offered.
      expect(everyBoard.length).toBeGreaterThan(1);
      await expect(page.locator('select[name="boardId"] option')).toHaveText([en('pair.noBoardReads.yourTeams'), teamBoard.name]);

      await page.goto('/admin');
      const row = page.getByTestId('displays').getByRole('row', { name: new RegExp(adminsTv.name) });
      await expect(row).toContainText(en('displays.refusal.pairedByAdmin'));
      await expect(row).toContainText('Administrator');
      await expect(row.getByRole('button')).toHaveCount(0);
    } finally {
      await asAdmin(baseURL!, 'DELETE', `/displays/${adminsTv.id}`).catch(() => undefined);
      await asAdmin(baseURL!, 'DELETE', `/boards/${teamBoard.id}`).catch(() => undefined);
      await asAdmin(baseURL!, 'PATCH', `/users/${manager.id}`, { active: false }).catch(() => undefined);
    }
  });

  test('a rep is not offered /admin and cannot open it', async ({ page, baseURL }) => {
    const snapshot = await asAdmin<Snapshot>(baseURL!, 'GET', '/snapshot');
    const credentials = { email: `rep-${unique()}@e2e.salesboard.test`, password: 'rep password 123456' };
    await asAdmin<User>(baseURL!, 'POST', '/users', { ...credentials, name: 'E2E Rep', role: 'rep', repId: snapshot.reps[0].id });

    await signInOnPage(page, credentials, '/me');
    await expect(page.getByTestId('signed-in-as')).toHaveText('E2E Rep');
    await expect(page.getByRole('navigation', { name: message('en', 'nav.label') }).getByRole('link', { name: message('en', 'nav.admin') })).toHaveCount(0);

    await page.goto('/admin');
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('admin-nav')).toHaveCount(0);
  });
});
