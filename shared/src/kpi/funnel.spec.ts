import fc from 'fast-check';
import { DEFAULT_STAGES } from '../domain.js';
import { computeFunnel, type FunnelStage, stuckDeals } from './funnel.js';
import type { StageHistoryRow } from './rows.js';

const november = { start: new Date('2026-10-31T17:00:00Z'), end: new Date('2026-11-30T17:00:00Z') };
const move = (dealId: string, toStage: string, day: number): StageHistoryRow => ({
  dealId,
  fromStage: null,
  toStage,
  at: new Date(Date.UTC(2026, 10, day, 3)),
});

describe('computeFunnel', () => {
  const deal = (id: string, stage: string, day = 2, month = 10) => ({ id, stage, createdAt: new Date(Date.UTC(2026, month, day, 3)) });
  const reached = (funnel: FunnelStage[]) => funnel.map((stage) => stage.reached);

  it('counts each deal created in the period at the furthest stage it reached, so later stages never hold more', () => {
    const deals = [deal('a', 'won'), deal('b', 'lost'), deal('c', 'demo'), deal('d', 'qualified'), deal('e', 'lead'), deal('old', 'demo', 20, 9)];
    const history = [
      move('a', 'lead', 2),
      move('a', 'qualified', 3),
      move('a', 'won', 9),
      { ...move('b', 'lost', 4), fromStage: 'proposal' },
      move('c', 'lead', 5),
      move('c', 'demo', 6), // skipped qualified: it went past it, so it counts there too
      move('d', 'proposal', 7), // moved back since: the furthest stage still counts
      move('d', 'qualified', 8),
      move('old', 'demo', 3), // created in October: not in November's cohort
    ];
    const funnel = computeFunnel(deals, history, DEFAULT_STAGES, november);
    expect(funnel.map((stage) => stage.stage)).toEqual(['lead', 'qualified', 'demo', 'proposal', 'negotiation']);
    expect(reached(funnel)).toEqual([5, 4, 4, 3, 1]);
    expect(funnel[0]).toEqual({ stage: 'lead', label: 'Lead', reached: 5, progressed: 4 / 5 });
    // After the last open stage the next is won: the one won deal of one.
    expect(funnel[4].progressed).toBe(1);
  });

  it('counts a deal without history at its current stage, a won one at every stage, a lost one with nothing known at the first', () => {
    const deals = [deal('open', 'proposal'), deal('won', 'won'), deal('lost', 'lost')];
    expect(reached(computeFunnel(deals, [], DEFAULT_STAGES, november))).toEqual([3, 2, 2, 2, 1]);
  });

  it('gives null progression to a stage nobody reached, and 0 when nobody went on', () => {
    expect(computeFunnel([], [], DEFAULT_STAGES, november).every((stage) => stage.reached === 0 && stage.progressed === null)).toBe(true);
    expect(computeFunnel([deal('a', 'lead')], [], DEFAULT_STAGES, november)[0].progressed).toBe(0);
  });

  describe('over any deals and histories', () => {
    const keys = DEFAULT_STAGES.map((stage) => stage.key);
    const rankOf = (key: string) => (key === 'won' ? 6 : key === 'lost' ? 0 : keys.indexOf(key) + 1);
    // A deal: created around November, the stages it went through in order (none: imported without history).
    const dealArb = fc.record({
      createdDay: fc.integer({ min: -20, max: 50 }),
      path: fc.array(fc.constantFrom(...keys), { maxLength: 7 }),
      importedStage: fc.constantFrom(...keys),
    });
    const dealsArb = fc.array(dealArb, { maxLength: 25 });
    const build = (input: { createdDay: number; path: string[]; importedStage: string }[]) => {
      const deals = input.map((d, i) => ({ id: `d${i}`, stage: d.path.at(-1) ?? d.importedStage, createdAt: new Date(Date.UTC(2026, 10, d.createdDay, 3)) }));
      const history = input.flatMap((d, i) => chain(`d${i}`, d.path));
      return { deals, history };
    };

    it('never widens going down, and its first stage holds the whole cohort', () => {
      fc.assert(
        fc.property(dealsArb, (input) => {
          const { deals, history } = build(input);
          const funnel = computeFunnel(deals, history, DEFAULT_STAGES, november);
          const cohort = deals.filter((d) => d.createdAt >= november.start && d.createdAt < november.end).length;
          expect(funnel[0].reached).toBe(cohort);
          for (let i = 1; i < funnel.length; i++) expect(funnel[i].reached).toBeLessThanOrEqual(funnel[i - 1].reached);
          for (const stage of funnel) {
            if (stage.reached === 0) expect(stage.progressed).toBeNull();
            else {
              expect(stage.progressed).toBeGreaterThanOrEqual(0);
              expect(stage.progressed).toBeLessThanOrEqual(1);
            }
          }
        }),
      );
    });

    it('counts a deal the same whichever stages it skipped on the way to its furthest', () => {
      fc.assert(
        fc.property(dealsArb, fc.infiniteStream(fc.boolean()), (input, keep) => {
          // Drop any stops but the furthest one and the last one (where the deal is now).
          const skipped = input.map((d) => {
            const furthest = d.path.reduce((best, key, i) => (rankOf(key) > rankOf(d.path[best]) ? i : best), 0);
            return { ...d, path: d.path.filter((_, i) => i === furthest || i === d.path.length - 1 || keep.next().value) };
          });
          const full = build(input);
          const short = build(skipped);
          expect(computeFunnel(short.deals, short.history, DEFAULT_STAGES, november)).toEqual(computeFunnel(full.deals, full.history, DEFAULT_STAGES, november));
        }),
      );
    });
  });
});

/** A deal's history through `path`, one move a day from November 1st, each from the stage before. */
function chain(dealId: string, path: string[]): StageHistoryRow[] {
  return path.map((toStage, i) => ({ dealId, fromStage: i === 0 ? null : path[i - 1], toStage, at: new Date(Date.UTC(2026, 10, 1 + i, 3)) }));
}

describe('stuckDeals', () => {
  const now = new Date('2026-11-30T03:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

  it('lists open deals past their stage’s limit, longest in stage first, with whole days in stage', () => {
    const deals = [
      { id: 'fresh', stage: 'demo', stageEnteredAt: daysAgo(14.9) },
      { id: 'old', stage: 'demo', stageEnteredAt: daysAgo(40) },
      { id: 'just', stage: 'proposal', stageEnteredAt: daysAgo(15) },
      { id: 'won', stage: 'won', stageEnteredAt: daysAgo(90) },
    ];
    const stuck = stuckDeals(deals, DEFAULT_STAGES, now);
    expect(stuck.map((deal) => [deal.id, deal.daysInStage])).toEqual([
      ['old', 40],
      ['just', 15],
    ]);
  });

  it('uses each stage’s own limit, and 14 days when a stage has none', () => {
    const stages = [
      { key: 'demo', kind: 'open' as const, stuckAfterDays: 3 },
      { key: 'proposal', kind: 'open' as const },
    ];
    const deals = [
      { id: 'a', stage: 'demo', stageEnteredAt: daysAgo(4) },
      { id: 'b', stage: 'proposal', stageEnteredAt: daysAgo(10) },
      { id: 'c', stage: 'proposal', stageEnteredAt: daysAgo(20) },
    ];
    expect(stuckDeals(deals, stages, now).map((deal) => deal.id)).toEqual(['c', 'a']);
  });
});
