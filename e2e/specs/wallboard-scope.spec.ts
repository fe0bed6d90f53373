/**
 * Issue #16 item 3 in Chromium: a TV paired to a team's board shows that team on every panel (the
 * race, the context, the pipeline, the feed, the celebrations), and so does /tv?board= of a team
 * board on a screen whose credential reads the whole organisation.
 */
import type { KpisResponse, Rep, Team } from '@salesboard/shared';
import type { Page } from '@playwright/test';
import pg from 'pg';
import { expect, test } from '../support/fixtures.js';
import { actAsDisplay, pairDisplay } from '../support/pairing.js';
import { rest } from '../support/rest.js';
import { readState } from '../support/server-process.js';
import { compactMoney, fastForwardUntil, openWallboard } from '../support/wallboard.js';

/** The team's open pipeline by stage, straight from the tables: an open deal counts for its owner's team. */
async function teamPipelineFromSql(teamId: string): Promise<Map<string, { count: number; amount: string }>> {
  const client = new pg.Client({ connectionString: readState().databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ stage: string; count: number; amount: string }>(
      `SELECT d.stage, count(*)::int AS count, sum(d.amount)::text AS amount
         FROM deals d JOIN reps r ON r.id = d.owner_id JOIN stages s ON s.key = d.stage AND s.kind = 'open'
        WHERE r.team_id = $1 GROUP BY d.stage`,
      [teamId],
    );
    return new Map(rows.map((row) => [row.stage, { count: row.count, amount: row.amount }]));
  } finally {
    await client.end();
  }
}

async function repsShown(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements) => elements.map((element) => element.getAttribute('data-rep') ?? ''));
}

test.describe('a team board shows the team on every panel', () => {
  test.setTimeout(120_000);

  for (const how of ['paired to the board', 'opened with ?board='] as const) {
    test(`a TV ${how}`, async ({ page, api }) => {
      const admin = await api.adminToken();
      const call = <T>(method: string, path: string, body?: unknown) => rest<T>(api.baseUrl, admin, method, path, body);
      // Two teams with active reps: other specs add teams of their own, some without anyone in them.
      const reps = await call<Rep[]>('GET', '/api/reps');
      const staffed = (await call<Team[]>('GET', '/api/teams')).filter((candidate) => reps.some((rep) => rep.active && rep.teamId === candidate.id));
      const [team, otherTeam] = staffed;
      const teamReps = new Set(reps.filter((rep) => rep.active && rep.teamId === team.id).map((rep) => rep.id));
      const board = await call<{ id: string }>('POST', '/api/boards', {
        name: `Team ${team.name} ${Date.now()}`,
        scope: { kind: 'team', id: team.id },
        scenes: [{ kind: 'leaderboard', seconds: 600 }],
      });

      // The page's clock is ours to move on: the celebration below need not be waited out.
      await page.clock.install();
      if (how === 'paired to the board') {
        await actAsDisplay(page, await pairDisplay(api.baseUrl, admin, `E2E ${team.name} TV`, board.id));
        await openWallboard(page);
      } else {
        await openWallboard(page, `?board=${board.id}`);
      }
      await expect(page.locator('main.wallboard')).toHaveAttribute('data-scope', `team:${team.id}`);

      // The race: the team's reps only, as many as fit (at most 8).
      const rows = page.getByTestId('stage').getByTestId('leaderboard-row');
      await expect(rows).toHaveCount(Math.min(8, teamReps.size));
      // Polled: rows of a list being replaced linger while they animate out.
      await expect
        .poll(async () => (await repsShown(page, '[data-testid="stage"] [data-testid="leaderboard-row"]')).filter((rep) => !teamReps.has(rep)), {
          message: 'race rows of reps outside the team',
        })
        .toEqual([]);

      // The context: the team's month against the team's quota, and movers of the team.
      const kpis = await call<KpisResponse>('GET', `/api/kpis?period=month&teamId=${team.id}`);
      if (kpis.kpis.attainment !== null) {
        const percent = await page.evaluate(
          (ratio) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(ratio),
          kpis.kpis.attainment,
        );
        await expect(page.getByTestId('context-pace')).toContainText(percent);
      }
      for (const rep of await repsShown(page, '[data-testid="context-movers"] [data-rep]')) expect(teamReps.has(rep), `mover ${rep}`).toBe(true);

      // The pipeline: the team's open deals, by stage (paired: the TV reads only its board) or in total.
      if (how === 'paired to the board') {
        await expect(page.getByTestId('pipeline-panel')).toHaveAttribute('data-source', 'stages');
        const expected = await teamPipelineFromSql(team.id);
        const shown = await page
          .getByTestId('pipeline-chart')
          .locator('tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => ({ stage: tr.getAttribute('data-stage') ?? '', count: Number(tr.querySelector('td')?.textContent?.trim() ?? 'NaN') })),
          );
        expect(shown.length).toBeGreaterThan(0);
        for (const { stage, count } of shown) expect(count, `deals in ${stage}`).toBe(expected.get(stage)?.count ?? 0);
      } else {
        await expect(page.getByTestId('pipeline-panel')).toHaveAttribute('data-source', 'kpis');
        await expect(page.getByTestId('pipeline-total')).toContainText(await compactMoney(page, kpis.kpis.openPipeline));
      }

      // Another team wins first, then this team: only this team's win is celebrated, only its deals reach the feed.
      // Deals of its own: earlier specs win the demo's open deals.
      const dealOf = (teamId: string) => {
        const owner = reps.find((rep) => rep.active && rep.teamId === teamId)!;
        return api.createDeal({ name: `Scope check ${teamId.slice(0, 8)} ${Date.now()}`, ownerId: owner.id, amount: '42000000', stage: 'negotiation' });
      };
      const theirs = await dealOf(otherTeam.id);
      const ours = await dealOf(team.id);
      await api.changeStage(theirs.id, 'won');
      await api.changeStage(ours.id, 'won');

      const celebration = page.getByTestId('celebration');
      await expect(celebration.getByTestId('celebration-rep')).toHaveText(ours.ownerName);
      await fastForwardUntil(page, async () => !(await celebration.isVisible()), 'the celebration ends');
      const feedReps = await repsShown(page, '[data-testid="feed-item"]');
      expect(feedReps).toContain(ours.ownerId);
      for (const rep of feedReps) expect(teamReps.has(rep), `feed line of ${rep}`).toBe(true);
    });
  }
});
