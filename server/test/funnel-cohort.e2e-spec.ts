/**
 * The funnel as a cohort (issue #15): random deals made and moved through the REST API over three
 * simulated months (only Date is faked), some skipping stages, lost, won and reopened, plus deals
 * written straight into the table without any history, as the demo's starting state and old
 * imports have them. GET /api/kpis's funnel is compared, per period and scope, with plain SQL over
 * the stored rows: each deal created in the period at the furthest stage it reached.
 */
import { jest } from '@jest/globals';
import type { Deal, KpisResponse, Rep, Team } from '@salesboard/shared';
import { seededRandom } from '../src/demo/demo-data.js';
import { bootTestApp, type TestApp } from './support/app.js';
import { REAL_TIMERS } from './support/clock.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';

const ZONE = 'Asia/Jakarta';
const STAGES = ['lead', 'qualified', 'demo', 'proposal', 'negotiation', 'won', 'lost'];
const OPERATIONS = 160;

/** Per open stage: the cohort's deals whose furthest rank (open stages 1..n, won n + 1) is at least the stage's, and at least the next. */
const COHORT_FUNNEL_SQL = `
  WITH open_stages AS (SELECT key, row_number() OVER (ORDER BY position) AS rank FROM stages WHERE kind = 'open'),
  ranks AS (
    SELECT key, rank FROM open_stages
    UNION ALL SELECT key, (SELECT count(*) FROM open_stages) + 1 FROM stages WHERE kind = 'won'),
  cohort AS (
    SELECT d.id, d.stage FROM deals d JOIN reps r ON r.id = d.owner_id
     WHERE d.created_at >= ($1::date)::timestamp AT TIME ZONE $3
       AND d.created_at < ($2::date + 1)::timestamp AT TIME ZONE $3
       AND ($4 = 'all' OR ($4 = 'team' AND r.team_id = $5::uuid) OR ($4 = 'rep' AND d.owner_id = $5::uuid))),
  touched AS (
    SELECT id, stage AS key FROM cohort
    UNION ALL SELECT h.deal_id, h.to_stage FROM stage_history h JOIN cohort c ON c.id = h.deal_id
    UNION ALL SELECT h.deal_id, h.from_stage FROM stage_history h JOIN cohort c ON c.id = h.deal_id),
  furthest AS (
    SELECT t.id, greatest(1, COALESCE(max(r.rank), 0)) AS rank FROM touched t LEFT JOIN ranks r ON r.key = t.key GROUP BY t.id)
  SELECT o.key AS stage,
         (SELECT count(*) FROM furthest f WHERE f.rank >= o.rank)::int AS reached,
         (SELECT count(*) FROM furthest f WHERE f.rank >= o.rank + 1)::int AS went_on
    FROM open_stages o ORDER BY o.rank`;

describe('the funnel, a cohort of the deals created in the period', () => {
  let t: TestApp;
  let org: Org;
  let teamB: Team;
  let reps: Rep[];
  const random = seededRandom(1515);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  let now = new Date('2031-09-01T02:00:00Z');

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now });
    t = await bootTestApp({ TZ_ORG: ZONE });
    org = await createOrg(t.keyApi, 2);
    teamB = (await t.keyApi.post('/api/teams').send({ name: 'Surabaya', managerName: 'Sari' }).expect(201)).body as Team;
    const rep3 = (await t.keyApi.post('/api/reps').send({ name: 'Rep 3', email: 'rep3@example.co.id', teamId: teamB.id }).expect(201)).body as Rep;
    reps = [...org.reps, rep3];

    const deals: Deal[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      // About 90 days in 160 steps, at any hour: some land on either side of a month's edge in WIB.
      now = new Date(now.getTime() + Math.floor(random() * 27 * 3600_000));
      jest.setSystemTime(now);
      if (deals.length < 5 || random() < 0.35) {
        deals.push(await createDeal(t.keyApi, pick(reps).id, { amount: '1000000', stage: pick(STAGES) }));
      } else {
        const deal = pick(deals);
        const current = (await t.keyApi.get(`/api/deals/${deal.id}`).expect(200)).body as Deal;
        const stage = pick(STAGES.filter((key) => key !== current.stage));
        const reopen = current.stage === 'won' || current.stage === 'lost';
        await t.keyApi
          .post(`/api/deals/${deal.id}/stage`)
          .send(reopen ? { stage, reopen } : { stage })
          .expect(200);
      }
    }
    // Deals with no history at all, created across the three months.
    for (let i = 0; i < 20; i++) {
      const created = new Date(Date.UTC(2031, 8, 1) + Math.floor(random() * 91 * 86_400_000));
      await t.db.query(
        `INSERT INTO deals (source, name, owner_id, amount, currency, stage, created_at, stage_entered_at, closed_at)
         VALUES ('demo', $1, $2, 1000000, 'IDR', $3, $4, $4, CASE WHEN $3 IN ('won', 'lost') THEN $4::timestamptz END)`,
        [`Imported ${i}`, pick(reps).id, pick(STAGES), created],
      );
    }
    // Lost deals whose one known move is the loss (a CRM's update of a deal the demo seeded): they count where they were lost from.
    for (let i = 0; i < 8; i++) {
      const created = new Date(Date.UTC(2031, 8, 1) + Math.floor(random() * 91 * 86_400_000));
      const owner = pick(reps).id;
      await t.db.query(
        `WITH d AS (INSERT INTO deals (source, name, owner_id, amount, currency, stage, created_at, stage_entered_at, closed_at)
                    VALUES ('hubspot', $1, $2, 1000000, 'IDR', 'lost', $3, $3, $3) RETURNING id)
         INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source) SELECT id, $4, 'lost', 1000000, $2, $3, 'hubspot' FROM d`,
        [`Lost in the CRM ${i}`, owner, created, pick(['demo', 'proposal', 'negotiation'])],
      );
    }
  });

  afterAll(async () => {
    await t?.close();
    jest.useRealTimers();
  });

  const periods = [
    { from: '2031-09-01', to: '2031-09-30' },
    { from: '2031-10-01', to: '2031-10-31' },
    { from: '2031-11-01', to: '2031-11-30' },
    { from: '2031-09-01', to: '2031-11-30' },
    { from: '2031-10-10', to: '2031-10-20' },
  ];

  it('equals plain SQL over the stored rows for every period and scope, and never widens', async () => {
    const scopes: { kind: 'all' | 'team' | 'rep'; id: string | null; query: string }[] = [
      { kind: 'all', id: null, query: '' },
      { kind: 'team', id: org.team.id, query: `&teamId=${org.team.id}` },
      { kind: 'team', id: teamB.id, query: `&teamId=${teamB.id}` },
      ...reps.map((rep) => ({ kind: 'rep' as const, id: rep.id, query: `&repId=${rep.id}` })),
    ];
    let nonEmpty = 0;
    for (const period of periods)
      for (const scope of scopes) {
        const answer = (await t.keyApi.get(`/api/kpis?from=${period.from}&to=${period.to}${scope.query}`).expect(200)).body as KpisResponse;
        const expected = await t.db.query<{ stage: string; reached: number; went_on: number }>(COHORT_FUNNEL_SQL, [period.from, period.to, ZONE, scope.kind, scope.id]);
        const where = `${period.from}..${period.to} ${scope.kind} ${scope.id ?? ''}`;
        expect([where, answer.funnel.map(({ stage, reached, progressed }) => [stage, reached, progressed])]).toEqual([
          where,
          expected.map((row) => [row.stage, row.reached, row.reached === 0 ? null : row.went_on / row.reached]),
        ]);
        for (let i = 1; i < answer.funnel.length; i++) expect(answer.funnel[i].reached).toBeLessThanOrEqual(answer.funnel[i - 1].reached);
        if (answer.funnel[0].reached > 0) nonEmpty++;
      }
    // The comparison meant something: most periods and scopes had deals.
    expect(nonEmpty).toBeGreaterThan(periods.length * 3);
  });

  it('holds deals without history and deals that skipped stages in the cohort it compares', async () => {
    const [row] = await t.db.query<{ without_history: number; skipped: number }>(
      `SELECT (SELECT count(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM stage_history h WHERE h.deal_id = d.id))::int AS without_history,
              (SELECT count(*) FROM stage_history h JOIN stages f ON f.key = h.from_stage JOIN stages s ON s.key = h.to_stage
                WHERE f.kind = 'open' AND s.kind = 'open' AND s.position > f.position + 1)::int AS skipped`,
    );
    expect(row.without_history).toBe(20);
    expect(row.skipped).toBeGreaterThan(5);
  });
});
