import type { KpisResponse, LeaderboardResponse, LeaderboardRow, LiveEvent } from '@salesboard/shared';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick } from 'vue';
import { fetchKpis, fetchLeaderboard } from '@/api/kpis';
import { useKpiFigures, useLeaderboardFigures } from '@/composables/use-figures';
import { liveEvent, makeLeaderboardRow, makeSnapshot } from '@/test-support/live-fixtures';
import { useBoardStore } from './board';
import { useLiveStore } from './live';

vi.mock('@/api/kpis', () => ({ fetchKpis: vi.fn(), fetchLeaderboard: vi.fn() }));

const TEAM = '11111111-1111-4111-8111-111111111111';

/** What GET /api/kpis answers at `seq`, only the fields these tests read filled in. */
function answer(seq: number, revenue: string): KpisResponse {
  return {
    seq,
    asOf: '2026-11-28T07:05:00.000Z',
    period: { kind: 'month' },
    scope: { kind: 'team', id: TEAM, name: 'Jakarta Raya' },
    kpis: { revenue, won: 1 },
    funnel: [],
    stuck: { count: 0, amount: '0.00', deals: [] },
    breakdowns: { teams: [], territories: [], reps: [] },
  } as unknown as KpisResponse;
}

function kpiUpdate(seq: number, payload: Partial<Extract<LiveEvent, { type: 'kpi.updated' }>['payload']>): LiveEvent {
  return { seq, type: 'kpi.updated', at: '2026-11-28T07:05:00.000Z', payload: { period: 'month', scope: `team:${TEAM}`, changed: {}, ...payload } };
}

const flush = async () => {
  await Promise.resolve();
  await nextTick();
  await Promise.resolve();
};

describe('figures store', () => {
  let scope = effectScope();
  const load = vi.mocked(fetchKpis);

  beforeEach(() => {
    scope = effectScope();
    setActivePinia(createPinia());
    load.mockReset();
  });
  afterEach(() => scope.stop());

  /** A screen holding the team's month, subscribed and loaded once. */
  async function openTeamMonth(first = answer(10, '100.00')) {
    load.mockResolvedValueOnce(first);
    const figures = scope.run(() => useKpiFigures(() => ({ period: 'month', teamId: TEAM })))!;
    await flush();
    // Nothing is loaded before the server has accepted the subscription (its diff baseline comes first).
    expect(load).not.toHaveBeenCalled();
    useLiveStore().subscribed = { scope: { teamId: TEAM }, generation: 1, reconnected: false };
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    return figures;
  }

  it('applies kpi.updated in seq order over the first load and ignores an older one', async () => {
    const figures = await openTeamMonth();
    const board = useBoardStore();

    board.receive(kpiUpdate(12, { changed: { revenue: '250.00' } }));
    expect(figures.data.value?.kpis).toMatchObject({ revenue: '250.00', won: 1 });

    // Older than what is held: a late update must not undo a newer one.
    board.receive(kpiUpdate(11, { changed: { revenue: '175.00' } }));
    expect(figures.data.value?.kpis.revenue).toBe('250.00');

    // The funnel is read from the database after the KPIs went out; its own seq decides.
    const funnel = [{ stage: 'lead', label: 'Lead', reached: 3, progressed: 0.5 }];
    board.receive(kpiUpdate(11, { parts: { funnel } }));
    expect(figures.data.value?.funnel).toEqual(funnel);

    // Another scope's or period's update is not this one's.
    board.receive(kpiUpdate(13, { period: 'quarter', changed: { revenue: '999.00' } }));
    board.receive(kpiUpdate(13, { scope: 'all', changed: { revenue: '999.00' } }));
    expect(figures.data.value?.kpis.revenue).toBe('250.00');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('gives stuck deals, sent with one period, to every period of the scope it holds', async () => {
    const month = await openTeamMonth();
    const quarterAnswer = { ...answer(10, '500.00'), period: { kind: 'quarter' } } as unknown as KpisResponse;
    load.mockResolvedValueOnce(quarterAnswer);
    const quarter = scope.run(() => useKpiFigures(() => ({ period: 'quarter', teamId: TEAM })))!;
    await flush();
    expect(quarter.data.value?.kpis.revenue).toBe('500.00');

    const stuck = { count: 1, amount: '9.00', deals: [] };
    useBoardStore().receive(kpiUpdate(12, { parts: { stuck } }));
    expect(month.data.value?.stuck).toEqual(stuck);
    expect(quarter.data.value?.stuck).toEqual(stuck);
    // Only the stuck deals: the quarter keeps its own KPIs.
    expect(quarter.data.value?.kpis.revenue).toBe('500.00');
  });

  it('asks REST again only after a gap the board store had to fill', async () => {
    const figures = await openTeamMonth();
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot({ seq: 10 }));
    await flush();
    board.receive(liveEvent.created(11));
    await flush();
    expect(load).toHaveBeenCalledTimes(1);

    // Seq 13 after 11: 12 was missed, and pushed updates may have been lost with it.
    load.mockResolvedValueOnce(answer(13, '300.00'));
    expect(board.receive(liveEvent.created(13))).toBe('resync');
    board.applyResync({ ok: true, mode: 'replay', events: [liveEvent.created(12), liveEvent.created(13)], head: 13 });
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
    expect(figures.data.value?.kpis.revenue).toBe('300.00');
  });

  it('loads again after a reconnect, when updates sent meanwhile are lost', async () => {
    await openTeamMonth();
    load.mockResolvedValueOnce(answer(20, '400.00'));
    useLiveStore().subscribed = { scope: { teamId: TEAM }, generation: 2, reconnected: true };
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
  });

  describe('a team board', () => {
    const TEAM_BOARD = { metric: 'revenue', period: 'month', scope: `team:${TEAM}` };
    const ayu = makeLeaderboardRow({ rank: 1, value: '500.00', movement: null });
    const budi = makeLeaderboardRow({ rank: 2, id: 'rep-budi', name: 'Budi Santoso', value: '300.00', movement: null });
    const boardAnswer = (seq: number, rows: LeaderboardRow[]) => ({ seq, scope: TEAM_BOARD.scope, rows }) as unknown as LeaderboardResponse;
    const loadBoard = vi.mocked(fetchLeaderboard);

    /** A screen showing the team's revenue board of the month, subscribed and loaded once at seq 10. */
    async function openTeamBoard() {
      loadBoard.mockReset();
      loadBoard.mockResolvedValueOnce(boardAnswer(10, [ayu, budi]));
      const held = scope.run(() => useLeaderboardFigures(() => ({ metric: 'revenue', period: 'month', teamId: TEAM })))!;
      useLiveStore().subscribed = { scope: { teamId: TEAM }, generation: 1, reconnected: false };
      await vi.waitFor(() => expect(held.data.value?.seq).toBe(10));
      expect(loadBoard).toHaveBeenCalledTimes(1);
      return held;
    }

    it('applies a delta over the rows it loaded, in the board order', async () => {
      const held = await openTeamBoard();
      const budiNow = { ...budi, rank: 1, value: '700.00' };
      useBoardStore().receive(liveEvent.leaderboardDelta(12, [ayu, budi], [budiNow, { ...ayu, rank: 2 }], [], TEAM_BOARD));
      expect(held.data.value).toMatchObject({ seq: 12, rows: [budiNow, { ...ayu, rank: 2 }] });
      // Older than what is held: the load already had it.
      useBoardStore().receive(liveEvent.leaderboardDelta(11, [ayu, budi], [], ['rep-budi'], TEAM_BOARD));
      expect(held.data.value?.rows).toHaveLength(2);
      expect(loadBoard).toHaveBeenCalledTimes(1);
    });

    it('loads the board again, once, when a delta was made from other rows than it holds', async () => {
      const held = await openTeamBoard();
      const fresh = [{ ...ayu, value: '900.00' }, budi];
      loadBoard.mockResolvedValueOnce(boardAnswer(13, fresh));
      // Made from rows where Ayu had 800: a push this screen never got.
      const missed = [{ ...ayu, value: '800.00' }, budi];
      useBoardStore().receive(liveEvent.leaderboardDelta(12, missed, [{ ...ayu, value: '850.00' }], [], TEAM_BOARD));
      useBoardStore().receive(liveEvent.leaderboardDelta(13, [{ ...ayu, value: '850.00' }, budi], [{ ...ayu, value: '900.00' }], [], TEAM_BOARD));
      await vi.waitFor(() => expect(held.data.value).toMatchObject({ seq: 13, rows: fresh }));
      expect(loadBoard).toHaveBeenCalledTimes(2);
    });

    it('loads again when a push came during the load that its answer is older than', async () => {
      const held = await openTeamBoard();
      let answer!: (value: LeaderboardResponse) => void;
      loadBoard.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
      const fresh = [{ ...ayu, value: '900.00' }, budi];
      loadBoard.mockResolvedValueOnce(boardAnswer(14, fresh));
      useBoardStore().receive(liveEvent.leaderboardDelta(12, [{ ...ayu, value: '800.00' }, budi], [{ ...ayu, value: '850.00' }], [], TEAM_BOARD));
      // Seq 14 comes while the reload runs; the answer, read at 13, would leave the board behind it.
      useBoardStore().receive(liveEvent.leaderboardDelta(14, [{ ...ayu, value: '850.00' }, budi], [{ ...ayu, value: '900.00' }], [], TEAM_BOARD));
      answer(boardAnswer(13, [{ ...ayu, value: '850.00' }, budi]));
      await vi.waitFor(() => expect(held.data.value).toMatchObject({ seq: 14, rows: fresh }));
      expect(loadBoard).toHaveBeenCalledTimes(3);
    });
  });
});
