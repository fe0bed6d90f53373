import { DEFAULT_STAGES } from '../domain.js';
import { computeFunnel, stuckDeals } from './funnel.js';
import type { StageHistoryRow } from './rows.js';

const november = { start: new Date('2026-10-31T17:00:00Z'), end: new Date('2026-11-30T17:00:00Z') };
const move = (dealId: string, toStage: string, day: number): StageHistoryRow => ({
  dealId,
  fromStage: null,
  toStage,
  at: new Date(Date.UTC(2026, 10, day, 3)),
});

describe('computeFunnel', () => {
  it('counts deals entering each open stage in position order, and the share that moved on or was won', () => {
    const history = [
      move('a', 'lead', 2),
      move('a', 'qualified', 3),
      move('a', 'won', 9),
      move('b', 'lead', 2),
      move('b', 'lost', 4),
      move('c', 'lead', 5),
      move('c', 'demo', 6), // skipped qualified: enters demo, never qualified
      move('d', 'qualified', 7),
    ];
    const funnel = computeFunnel(history, DEFAULT_STAGES, november);
    expect(funnel.map((stage) => stage.stage)).toEqual(['lead', 'qualified', 'demo', 'proposal', 'negotiation']);
    expect(funnel[0]).toEqual({ stage: 'lead', label: 'Lead', entered: 3, progressed: 2 / 3 });
    expect(funnel[1]).toEqual({ stage: 'qualified', label: 'Qualified', entered: 2, progressed: 0.5 });
    expect(funnel[2]).toMatchObject({ entered: 1, progressed: 0 });
  });

  it('gives null progression to a stage nobody entered', () => {
    expect(computeFunnel([], DEFAULT_STAGES, november).every((stage) => stage.entered === 0 && stage.progressed === null)).toBe(true);
  });

  it('counts a deal once when it enters a stage twice, and ignores entries outside the period', () => {
    const history = [move('a', 'demo', 2), move('a', 'qualified', 3), move('a', 'demo', 4), move('b', 'demo', 1)];
    const octoberEntry = { ...move('c', 'demo', 1), at: new Date('2026-10-31T16:59:00Z') };
    const demo = computeFunnel([...history, octoberEntry], DEFAULT_STAGES, november)[2];
    expect(demo.entered).toBe(2);
  });

  it('does not count a move back to an earlier stage as progress', () => {
    const history = [move('a', 'proposal', 2), move('a', 'demo', 3)];
    expect(computeFunnel(history, DEFAULT_STAGES, november)[3]).toMatchObject({ entered: 1, progressed: 0 });
  });
});

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
