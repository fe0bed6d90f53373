import {
  type ActivityRow,
  type ActivityType,
  computeKpis,
  DEFAULT_STAGES,
  type DealRow,
  emptyTotals,
  type ForecastCategory,
  type Kpis,
  type LeadRow,
  type PeriodKind,
  type QuotaRow,
  rankLeaderboard,
  type RepRow,
  resolvePeriod,
  type Scope,
  totalsFromRows,
  RateTable,
} from '@salesboard/shared';
import { kthSmallest } from './calendar-series.js';
import { type DealFacts, KpiAggregates } from './kpi-aggregates.js';
import { kpisOf } from './kpi-figures.js';
import { rankBoards } from './leaderboard-ranking.js';
import { firstDayOfMonth, LocalCalendar, monthIndexOf, MS_PER_DAY } from './local-calendar.js';
import { seededRandom as random } from '../demo/demo-data.js';

const ZONE = 'Asia/Jakarta';
const NOW = new Date('2026-11-18T05:00:00Z');
const STAGES = DEFAULT_STAGES.map((stage) => ({ ...stage }));
const TEAMS = ['team-a', 'team-b'];
const TERRITORIES = ['terr-x', 'terr-y'];
const REPS: RepRow[] = [
  { id: 'rep-1', teamId: 'team-a', territoryId: 'terr-x', active: true },
  { id: 'rep-2', teamId: 'team-a', territoryId: 'terr-y', active: true },
  { id: 'rep-3', teamId: 'team-b', territoryId: 'terr-x', active: true },
  { id: 'rep-4', teamId: 'team-b', territoryId: null, active: false },
  { id: 'rep-5', teamId: null, territoryId: 'terr-y', active: true },
];
const PRODUCTS = [
  { id: 'prod-1', marginPct: '35.50' },
  { id: 'prod-2', marginPct: '12.00' },
];

function build(): KpiAggregates {
  const aggregates = new KpiAggregates(new LocalCalendar(ZONE), STAGES, new RateTable('IDR', []));
  for (const id of TEAMS) aggregates.upsertTeam({ id, name: id.toUpperCase(), createdDay: 0 });
  for (const id of TERRITORIES) aggregates.upsertTerritory({ id, name: id.toUpperCase(), createdDay: 0 });
  for (const rep of REPS) aggregates.upsertRep({ ...rep, name: `Rep ${rep.id.slice(4)}`, createdDay: 0 });
  aggregates.upsertProduct('prod-1', 3550);
  aggregates.upsertProduct('prod-2', 1200);
  return aggregates;
}

/** Random deals, activities, leads and quotas over about two years, with every kind of change along the way. */
function scenario(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const instant = () => new Date(NOW.getTime() - Math.floor(next() * 700 * MS_PER_DAY) + Math.floor(next() * 20 * MS_PER_DAY));
  const aggregates = build();
  const deals = new Map<string, DealRow>();

  const toFacts = (deal: DealRow): DealFacts =>
    aggregates.dealFacts({
      ownerId: deal.ownerId,
      teamId: deal.teamId,
      territoryId: deal.territoryId,
      amountMinor: deal.amountMinor,
      currency: 'IDR',
      stage: deal.stage,
      forecastCategory: deal.forecastCategory,
      createdAtMs: deal.createdAt.getTime(),
      closedAtMs: deal.closedAt?.getTime() ?? null,
      expectedCloseDate: deal.expectedCloseDate,
      productId: deal.productId,
    });
  const placeIn = (deal: DealRow, stageKey: string, at: Date) => {
    const stage = STAGES.find((s) => s.key === stageKey)!;
    deal.stage = stage.key;
    deal.stageKind = stage.kind;
    deal.probability = stage.probability;
    deal.closedAt = stage.kind === 'open' ? null : at;
    deal.stageEnteredAt = at;
    if (!overrides.has(deal.id)) deal.forecastCategory = stage.forecastCategory;
  };
  const overrides = new Set<string>();
  const owner = (deal: DealRow, rep: RepRow) => {
    deal.ownerId = rep.id;
    deal.teamId = rep.teamId;
    // As in the Deal DTO: the rep's territory, else the account's.
    deal.territoryId = rep.territoryId ?? (deal.id.endsWith('7') ? 'terr-y' : null);
  };

  for (let i = 0; i < 600; i++) {
    const roll = next();
    if (roll < 0.3 || deals.size === 0) {
      const id = `deal-${i}`;
      const createdAt = instant();
      const deal = {
        id,
        amountMinor: BigInt(Math.floor(next() * 5_000_000) * 100 + (next() < 0.3 ? 55 : 0)),
        createdAt,
        productId: next() < 0.5 ? pick(['prod-1', 'prod-2']) : null,
      } as DealRow;
      owner(deal, pick(REPS));
      deal.expectedCloseDate = next() < 0.8 ? new Date(NOW.getTime() + Math.floor((next() - 0.7) * 300) * MS_PER_DAY).toISOString().slice(0, 10) : null;
      placeIn(deal, pick(STAGES).key, createdAt);
      deals.set(id, deal);
    } else {
      const deal = pick([...deals.values()]);
      const change = next();
      if (change < 0.45) placeIn(deal, pick(STAGES.filter((s) => s.key !== deal.stage)).key, new Date(Math.max(deal.createdAt.getTime(), instant().getTime())));
      else if (change < 0.6) deal.amountMinor = BigInt(Math.floor(next() * 9_000_000) * 100);
      else if (change < 0.75) owner(deal, pick(REPS));
      else if (change < 0.85)
        deal.expectedCloseDate = next() < 0.2 ? null : new Date(NOW.getTime() + Math.floor((next() - 0.5) * 200) * MS_PER_DAY).toISOString().slice(0, 10);
      else {
        const category = next() < 0.3 ? null : pick<ForecastCategory>(['pipeline', 'best_case', 'commit', 'omitted']);
        if (category === null) overrides.delete(deal.id);
        else overrides.add(deal.id);
        deal.forecastCategory = category ?? STAGES.find((s) => s.key === deal.stage)!.forecastCategory;
      }
    }
    for (const deal of deals.values()) deal.marginBp = deal.productId === 'prod-1' ? 3550 : deal.productId === 'prod-2' ? 1200 : null;
    const touchedDeal = [...deals.values()].pop();
    if (touchedDeal) aggregates.applyDeal(touchedDeal.id, toFacts(touchedDeal));
    // Apply every deal that may have changed: the aggregates must take repeats as no-ops.
    for (const deal of deals.values()) aggregates.applyDeal(deal.id, toFacts(deal));
  }

  const activities: ActivityRow[] = [];
  for (let i = 0; i < 300; i++) {
    const activity = { repId: pick(REPS).id, type: pick<ActivityType>(['call', 'email', 'meeting', 'demo']), at: instant() };
    activities.push(activity);
    aggregates.addActivity(activity.repId, activity.type, activity.at.getTime());
  }
  const leads: LeadRow[] = [];
  for (let i = 0; i < 80; i++) {
    const lead: LeadRow = {
      repId: next() < 0.2 ? null : pick(REPS).id,
      status: next() < 0.3 ? 'converted' : 'new',
      createdAt: instant(),
      convertedDealId: null,
    };
    leads.push(lead);
    aggregates.applyLead(`lead-${i}`, {
      repId: lead.repId,
      createdDay: aggregates.calendar.dayOf(lead.createdAt.getTime()),
      converted: lead.status === 'converted',
    });
  }
  const quotas: QuotaRow[] = [
    { repId: 'rep-1', teamId: null, period: 'month', periodStart: '2026-11-01', amountMinor: 300_000_000n },
    { repId: 'rep-2', teamId: null, period: 'quarter', periodStart: '2026-10-01', amountMinor: 900_000_001n },
    { repId: 'rep-5', teamId: null, period: 'month', periodStart: '2026-11-01', amountMinor: 100_000_000n },
    { repId: null, teamId: 'team-b', period: 'month', periodStart: '2026-11-01', amountMinor: 700_000_000n },
  ];
  for (const quota of quotas) aggregates.upsertQuota(quota);
  return { aggregates, rows: { deals: [...deals.values()], activities, leads, quotas, reps: REPS, products: PRODUCTS } };
}

const SCOPES: Scope[] = [
  { kind: 'all' },
  ...TEAMS.map((id): Scope => ({ kind: 'team', id })),
  ...TERRITORIES.map((id): Scope => ({ kind: 'territory', id })),
  ...REPS.map((rep): Scope => ({ kind: 'rep', id: rep.id })),
];
const PERIODS: { period: PeriodKind; from?: string; to?: string }[] = [
  { period: 'today' },
  { period: 'week' },
  { period: 'month' },
  { period: 'quarter' },
  { period: 'year' },
  { period: 'custom', from: '2025-02-10', to: '2026-03-31' },
];

function withoutCycles(kpis: Kpis) {
  const { cycleDays, cycleDaysMedian, velocity, ...rest } = kpis;
  return { rest, cycleDays, cycleDaysMedian, velocity };
}

describe('KpiAggregates', () => {
  it.each([1, 2, 3])('gives every KPI the shared formulas give over the same rows (seed %i)', (seed) => {
    const { aggregates, rows } = scenario(seed);
    for (const input of PERIODS) {
      const range = resolvePeriod({ ...input, now: NOW, timeZone: ZONE });
      for (const scope of SCOPES) {
        const expected = withoutCycles(computeKpis(totalsFromRows(rows, range, scope), range));
        const actual = withoutCycles(kpisOf(aggregates, scope, range));
        expect({ scope, period: input.period, ...actual.rest }).toEqual({ scope, period: input.period, ...expected.rest });
        // Cycle days are fractional: summed in whole ms here, as floats there.
        for (const field of ['cycleDays', 'cycleDaysMedian'] as const) {
          if (expected[field] === null) expect(actual[field]).toBeNull();
          else expect(actual[field]).toBeCloseTo(expected[field]!, 9);
        }
        expect(actual.velocity === null).toBe(expected.velocity === null);
      }
    }
  });

  it.each(['month', 'quarter', 'week'] as const)(
    'ranks every metric as rankLeaderboard ranks computeKpis over the shared totals, movement included (%s)',
    (period) => {
      const { aggregates, rows } = scenario(4);
      const range = resolvePeriod({ period, now: NOW, timeZone: ZONE });
      const today = aggregates.calendar.today(NOW);
      // The start of today: the same period cut at yesterday, measured against the whole period's quota.
      const yesterday = new Date(NOW.getTime() - MS_PER_DAY).toISOString().slice(0, 10);
      const startOfDay =
        range.fromDate <= yesterday ? resolvePeriod({ period: 'custom', from: range.fromDate, to: yesterday, now: NOW, timeZone: ZONE }) : null;
      for (const [entity, members] of [
        ['reps', REPS.filter((rep) => rep.active).map((rep): [string, string, Scope] => [rep.id, `Rep ${rep.id.slice(4)}`, { kind: 'rep', id: rep.id }])],
        ['teams', TEAMS.map((id): [string, string, Scope] => [id, id.toUpperCase(), { kind: 'team', id }])],
      ] as const) {
        const boards = rankBoards(aggregates, entity, { kind: 'all' }, range, today);
        const values = (days: typeof range | null, scope: Scope) => {
          const totals = days ? totalsFromRows(rows, days, scope) : emptyTotals();
          const kpis = computeKpis({ ...totals, quotaMinor: totalsFromRows(rows, range, scope).quotaMinor }, range);
          return { revenue: totals.revenueMinor, won: kpis.won, attainment: kpis.attainment, activities: kpis.activities.total, winRate: kpis.winRate };
        };
        for (const metric of ['revenue', 'won', 'attainment', 'activities', 'winRate'] as const) {
          const baseline = new Map(members.map(([id, , scope]) => [id, values(startOfDay, scope)[metric]]));
          const expected = rankLeaderboard(
            members.map(([id, name, scope]) => ({ id, name, value: values(range, scope)[metric] })),
            { metric, baseline },
          );
          expect({ entity, metric, rows: boards.get(metric) }).toEqual({ entity, metric, rows: expected });
        }
      }
    },
  );

  it('ends up equal to aggregates built from the final state, whatever the path', () => {
    const { aggregates, rows } = scenario(5);
    const rebuilt = build();
    for (const deal of rows.deals) {
      rebuilt.applyDeal(
        deal.id,
        rebuilt.dealFacts({
          ownerId: deal.ownerId,
          teamId: deal.teamId,
          territoryId: deal.territoryId,
          amountMinor: deal.amountMinor,
          currency: 'IDR',
          stage: deal.stage,
          forecastCategory: deal.forecastCategory,
          createdAtMs: deal.createdAt.getTime(),
          closedAtMs: deal.closedAt?.getTime() ?? null,
          expectedCloseDate: deal.expectedCloseDate,
          productId: deal.productId,
        }),
      );
    }
    rows.activities.forEach((a) => rebuilt.addActivity(a.repId, a.type, a.at.getTime()));
    rows.leads.forEach((lead, i) =>
      rebuilt.applyLead(`lead-${i}`, {
        repId: lead.repId,
        createdDay: rebuilt.calendar.dayOf(lead.createdAt.getTime()),
        converted: lead.status === 'converted',
      }),
    );
    rows.quotas.forEach((q) => rebuilt.upsertQuota(q));
    expect(aggregates.differences(rebuilt)).toEqual([]);

    const deal = rows.deals[0];
    aggregates.applyDeal(deal.id, null);
    expect(aggregates.differences(rebuilt)[0]).toMatch(new RegExp(`^deal ${deal.id}: live undefined`));
  });

  it('reports which scopes a deal move touched, and nothing for a change that moves no number', () => {
    const aggregates = build();
    const facts = aggregates.dealFacts({
      ownerId: 'rep-1',
      teamId: 'team-a',
      territoryId: 'terr-x',
      amountMinor: 100n,
      currency: 'IDR',
      stage: 'won',
      forecastCategory: 'closed',
      createdAtMs: NOW.getTime() - MS_PER_DAY,
      closedAtMs: NOW.getTime(),
      expectedCloseDate: null,
      productId: null,
    });
    expect([...aggregates.applyDeal('d', facts)].sort()).toEqual(['all', 'rep:rep-1', 'team:team-a', 'territory:terr-x']);
    expect(aggregates.applyDeal('d', { ...facts }).size).toBe(0);
    expect([...aggregates.applyDeal('d', { ...facts, ownerId: 'rep-3', teamId: 'team-b' })].sort()).toEqual([
      'all',
      'rep:rep-1',
      'rep:rep-3',
      'team:team-a',
      'team:team-b',
      'territory:terr-x',
    ]);
  });
});

describe('kthSmallest', () => {
  it('finds the k-th value across sorted lists, duplicates included', () => {
    const lists = [[1, 5, 5, 9], [], [2, 5, 7], [100]];
    const all = lists.flat().sort((a, b) => a - b);
    all.forEach((value, k) => expect(kthSmallest(lists, k)).toBe(value));
  });
});

describe('month arithmetic on day numbers', () => {
  it('agrees with Date on every day from 1899 to 2101', () => {
    const wrong: number[] = [];
    for (let day = -25_600; day <= 47_500; day++) {
      const date = new Date(day * MS_PER_DAY);
      const month = date.getUTCFullYear() * 12 + date.getUTCMonth();
      if (monthIndexOf(day) !== month || (date.getUTCDate() === 1 && firstDayOfMonth(month) !== day)) wrong.push(day);
    }
    expect(wrong).toEqual([]);
  });
});

describe('LocalCalendar', () => {
  it('puts 23:59 Jakarta on the last day of a month into that day, and a minute later into the next month', () => {
    const calendar = new LocalCalendar(ZONE);
    const lastMinute = Date.parse('2026-11-30T16:59:00Z'); // 23:59 WIB
    expect(new Date(calendar.dayOf(lastMinute) * MS_PER_DAY).toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(new Date(calendar.dayOf(lastMinute + 60_000) * MS_PER_DAY).toISOString().slice(0, 10)).toBe('2026-12-01');
  });

  it('follows a DST zone across its short and long days', () => {
    const calendar = new LocalCalendar('Europe/London');
    const day = (iso: string) => new Date(calendar.dayOf(Date.parse(iso)) * MS_PER_DAY).toISOString().slice(0, 10);
    expect(day('2026-03-29T22:59:59Z')).toBe('2026-03-29'); // 23:59:59 BST
    expect(day('2026-03-29T23:00:00Z')).toBe('2026-03-30');
    expect(day('2026-10-25T23:59:59Z')).toBe('2026-10-25'); // 23:59:59 GMT, after the 25-hour day
    expect(day('2026-10-26T00:00:00Z')).toBe('2026-10-26');
  });
});
