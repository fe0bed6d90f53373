import { fromMinor } from '@salesboard/shared';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchLeaderboard } from '@/api/kpis';
import { AT, liveEvent, makeDeal, makeLeaderboardRow, makeSnapshot } from '@/test-support/live-fixtures';
import { FEED_LIMIT, useBoardStore } from './board';

vi.mock('@/api/kpis', () => ({ fetchKpis: vi.fn(), fetchLeaderboard: vi.fn() }));

/** A pipeline bar as the wallboard shows it: deal count and exact amount. */
function bar(stage: string) {
  const found = useBoardStore().pipeline.find((candidate) => candidate.stage === stage);
  return found && { count: found.count, amount: fromMinor(found.amountMinor) };
}

const feedSeqs = () => useBoardStore().feed.map((event) => event.seq);

describe('board store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows a bar for every open stage of the snapshot, in pipeline order', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());

    expect(board.pipeline.map((stage) => stage.label)).toEqual(['Lead', 'Qualified', 'Demo', 'Proposal', 'Negotiation']);
    expect(bar('lead')).toEqual({ count: 2, amount: '3000000.00' });
    expect(bar('qualified')).toEqual({ count: 0, amount: '0.00' });
    expect(bar('won')).toBeUndefined();
    expect(board.lastSeq).toBe(10);
  });

  it('counts an event withheld from this credential as seen, without a resync, a feed line or a pipeline move', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const pipelineBefore = board.openPipeline;
    const deal = makeDeal({ amount: '2000000.00' });

    expect(board.receive({ seq: 11, type: 'event.hidden', at: AT, payload: {} })).toBe('none');
    expect(board.receive(liveEvent.created(12, deal))).toBe('none');

    expect(board.lastSeq).toBe(12);
    expect(feedSeqs()[0]).toBe(12);
    expect(feedSeqs()).not.toContain(11);
    expect(board.openPipeline.count).toBe(pipelineBefore.count + 1);
  });

  it('applies a new deal, a stage move and a win in seq order', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const deal = makeDeal({ amount: '2000000.00' });

    board.receive(liveEvent.created(11, deal));
    board.receive(liveEvent.moved(12, deal, 'lead', 'proposal'));
    board.receive(liveEvent.won(13, deal, 'proposal'));

    expect(bar('lead')).toEqual({ count: 2, amount: '3000000.00' });
    expect(bar('proposal')).toEqual({ count: 1, amount: '5000000.00' });
    expect(board.openPipeline).toEqual({ count: 3, amountMinor: 800_000_000n });
    expect(feedSeqs()).toEqual([13, 12, 11]);
    expect(board.lastSeq).toBe(13);
  });

  it('drops an event it has already applied', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const created = liveEvent.created(11);

    board.receive(created);
    const again = board.receive(created);

    expect(again).toBe('none');
    expect(bar('lead')).toEqual({ count: 3, amount: '4000000.00' });
    expect(feedSeqs()).toEqual([11]);
  });

  it('holds events after a gap, asks once for a resync, and applies them in order after the replay', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const deal = makeDeal();

    expect(board.receive(liveEvent.moved(12, deal, 'lead', 'demo'))).toBe('resync');
    expect(board.receive(liveEvent.won(13, deal, 'demo'))).toBe('none'); // already asked
    // Nothing past the gap is shown yet.
    expect(board.lastSeq).toBe(10);
    expect(feedSeqs()).toEqual([]);

    const next = board.applyResync({ ok: true, mode: 'replay', events: [liveEvent.created(11, deal)], head: 13 });

    expect(next).toBe('none');
    expect(board.lastSeq).toBe(13);
    expect(feedSeqs()).toEqual([13, 12, 11]);
    expect(bar('lead')).toEqual({ count: 2, amount: '3000000.00' });
    expect(bar('demo')).toEqual({ count: 0, amount: '0.00' });
  });

  it('buffers live events while a resync is answering and applies only those past its snapshot', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    expect(board.receiveHead(12)).toBe('resync');

    board.receive(liveEvent.created(11));
    board.receive(liveEvent.activity(13, 'call'));
    expect(board.lastSeq).toBe(10);

    // The server answers with a snapshot at 12 that already contains event 11.
    const afterSnapshot = makeSnapshot({ seq: 12, pipeline: [{ stage: 'lead', count: 3, amount: '4000000.00' }] });
    expect(board.applyResync({ ok: true, mode: 'snapshot', snapshot: afterSnapshot })).toBe('none');

    expect(board.lastSeq).toBe(13);
    expect(bar('lead')).toEqual({ count: 3, amount: '4000000.00' });
    expect(feedSeqs()).toEqual([13]);
  });

  it('asks for a resync when the head is ahead, and only once while it is answering', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());

    expect(board.receiveHead(10)).toBe('none');
    expect(board.receiveHead(11)).toBe('resync');
    expect(board.receiveHead(12)).toBe('none');
  });

  it('asks for the rest when a replay stops short of the head', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    board.receiveHead(15);

    expect(board.applyResync({ ok: true, mode: 'replay', events: [liveEvent.created(11)], head: 15 })).toBe('resync');
    expect(board.lastSeq).toBe(11);
  });

  it('keeps holding events and asks for a snapshot when the server cannot replay', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    board.receive(liveEvent.activity(12, 'call'));

    expect(board.applyResync({ ok: false, error: 'log trimmed' })).toBe('fetch-snapshot');
    board.receive(liveEvent.activity(13, 'email'));
    expect(board.lastSeq).toBe(10);

    board.applySnapshot(makeSnapshot({ seq: 11 }));
    expect(board.lastSeq).toBe(13);
    expect(feedSeqs()).toEqual([13, 12]);
  });

  it('holds events that arrive before the first snapshot and applies those after it', () => {
    const board = useBoardStore();
    board.receive(liveEvent.created(10));
    board.receive(liveEvent.created(11));

    board.applySnapshot(makeSnapshot());

    expect(board.lastSeq).toBe(11);
    expect(bar('lead')).toEqual({ count: 3, amount: '4000000.00' });
  });

  it('moves the stage amount by the difference when a deal amount changes', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const deal = makeDeal({ stage: 'proposal', amount: '7500000.00' });

    board.receive(liveEvent.amountChanged(11, deal, '5000000.00'));

    expect(bar('proposal')).toEqual({ count: 1, amount: '7500000.00' });
    expect(feedSeqs()).toEqual([11]);
  });

  it('adds a foreign deal at its value in the organisation currency, and moves it by that value when its amount changes', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const usd = makeDeal({ id: 'deal-usd', stage: 'lead', amount: '1000.00', currency: 'USD', amountInOrgCurrency: '15850250.00' });

    board.receive(liveEvent.created(11, usd));
    expect(bar('lead')).toEqual({ count: 3, amount: '18850250.00' });

    const more = { ...usd, amount: '2000.00', amountInOrgCurrency: '31700500.00' };
    board.receive({
      ...liveEvent.amountChanged(12, more, '1000.00'),
      payload: { deal: more, changed: ['amount'], previous: { amount: '1000.00', amountInOrgCurrency: '15850250.00' } },
    });
    expect(bar('lead')).toEqual({ count: 3, amount: '34700500.00' });

    // Without a rate it adds nothing, never USD 1,000 as Rp 1,000.
    board.receive(liveEvent.created(13, makeDeal({ id: 'deal-eur', stage: 'lead', amount: '1000.00', currency: 'EUR', amountInOrgCurrency: null })));
    expect(bar('lead')).toEqual({ count: 4, amount: '34700500.00' });
  });

  it('takes a lost deal out of its open stage', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());

    board.receive(liveEvent.lost(11, makeDeal({ stage: 'proposal', amount: '5000000.00' }), 'proposal'));

    expect(bar('proposal')).toEqual({ count: 0, amount: '0.00' });
  });

  it('sums amounts exactly where floats would drift', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot({ pipeline: [{ stage: 'demo', count: 1, amount: '9999999999999.90' }] }));

    board.receive(liveEvent.created(11, makeDeal({ id: 'a', stage: 'demo', amount: '0.10' })));
    board.receive(liveEvent.created(12, makeDeal({ id: 'b', stage: 'qualified', amount: '0.10' })));
    board.receive(liveEvent.created(13, makeDeal({ id: 'c', stage: 'qualified', amount: '0.20' })));

    expect(bar('demo')).toEqual({ count: 2, amount: '10000000000000.00' });
    expect(bar('qualified')).toEqual({ count: 2, amount: '0.30' }); // 0.1 + 0.2 = 0.30000000000000004 in floats
  });

  it('replaces the leaderboard from revenue-this-month updates only, without moving the seq', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    const budi = makeLeaderboardRow({ id: 'rep-budi', name: 'Budi Santoso', value: '900000000.00' });
    const ayu = makeLeaderboardRow({ rank: 2, movement: -1 });

    board.receive(liveEvent.leaderboard(11, [{ ...budi, rank: 1 }, ayu]));
    board.receive(liveEvent.leaderboard(11, [makeLeaderboardRow({ name: 'Won count' })], { metric: 'won', period: 'month', scope: 'all' }));
    board.receive(liveEvent.leaderboard(9, [makeLeaderboardRow({ name: 'Stale' })]));

    expect(board.leaderboard.map((row) => row.name)).toEqual(['Budi Santoso', 'Ayu Lestari']);
    expect(board.lastSeq).toBe(10);
  });

  it('applies a leaderboard delta over the board it shows, in the board order, without asking REST', () => {
    const board = useBoardStore();
    const ayu = makeLeaderboardRow({ rank: 1, value: '1250000000.00', movement: 0 });
    const budi = makeLeaderboardRow({ rank: 2, id: 'rep-budi', name: 'Budi Santoso', value: '900000000.00', movement: 0 });
    const citra = makeLeaderboardRow({ rank: 3, id: 'rep-citra', name: 'Citra Dewi', value: '500000000.00', movement: 0 });
    board.applySnapshot(makeSnapshot({ leaderboard: [ayu, budi, citra] }));

    // Budi wins and passes Ayu; Citra leaves the board. Ayu's row changes rank, Budi's value.
    const budiNow = { ...budi, rank: 1, value: '1300000000.00', movement: 1 };
    board.receive(liveEvent.leaderboardDelta(11, [ayu, budi, citra], [budiNow, { ...ayu, rank: 2 }], ['rep-citra']));

    expect(board.leaderboard).toEqual([budiNow, { ...ayu, rank: 2 }]);
    expect(fetchLeaderboard).not.toHaveBeenCalled();
    // One of the same seq or older describes what the board already has.
    board.receive(liveEvent.leaderboardDelta(11, [budiNow, { ...ayu, rank: 2 }], [{ ...ayu, rank: 2, name: 'Stale' }]));
    expect(board.leaderboard.map((row) => row.name)).toEqual(['Budi Santoso', 'Ayu Lestari']);
  });

  it('loads the board again over REST, once, when a delta was made from other rows than those shown', async () => {
    const board = useBoardStore();
    const load = vi.mocked(fetchLeaderboard);
    load.mockReset();
    const ayu = makeLeaderboardRow({ rank: 1 });
    const budi = makeLeaderboardRow({ rank: 2, id: 'rep-budi', name: 'Budi Santoso', value: '900000000.00' });
    board.applySnapshot(makeSnapshot({ leaderboard: [ayu] }));
    let answer!: (value: Awaited<ReturnType<typeof fetchLeaderboard>>) => void;
    load.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));

    // Made from [ayu, budi], a board this screen never had (the push that brought Budi was lost).
    board.receive(liveEvent.leaderboardDelta(12, [ayu, budi], [{ ...budi, value: '950000000.00' }]));
    board.receive(liveEvent.leaderboardDelta(13, [ayu, { ...budi, value: '950000000.00' }], [{ ...budi, value: '990000000.00' }]));
    expect(board.leaderboard).toEqual([ayu]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith({ metric: 'revenue', period: 'month' });

    const fresh = [ayu, { ...budi, value: '990000000.00' }];
    answer({ seq: 13, rows: fresh } as Awaited<ReturnType<typeof fetchLeaderboard>>);
    await vi.waitFor(() => expect(board.leaderboard).toEqual(fresh));
    // The next delta is made from those rows: it applies.
    const after = [
      { ...budi, rank: 1, value: '1300000000.00' },
      { ...ayu, rank: 2 },
    ];
    board.receive(liveEvent.leaderboardDelta(14, fresh, after));
    expect(board.leaderboard).toEqual(after);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it(`keeps the newest ${FEED_LIMIT} feed items, newest first`, () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot({ feed: [liveEvent.activity(9, 'call'), liveEvent.activity(10, 'demo')] }));
    expect(feedSeqs()).toEqual([10, 9]);

    for (let seq = 11; seq <= 45; seq += 1) board.receive(liveEvent.activity(seq, 'call'));

    expect(feedSeqs()).toHaveLength(FEED_LIMIT);
    expect(feedSeqs()[0]).toBe(45);
    expect(feedSeqs().at(-1)).toBe(16);
  });

  it('takes a deal deleted in its CRM out of the pipeline', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());

    board.receive({ seq: 11, type: 'deal.deleted', at: AT, payload: { deal: makeDeal({ stage: 'proposal', amount: '5000000.00' }) } });

    expect(bar('proposal')).toEqual({ count: 0, amount: '0.00' });
    expect(board.lastSeq).toBe(11);
  });

  it('fetches a snapshot when a team, territory, rep or stage changes, so the wallboard shows a rename; not for a board or a key', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());
    expect(board.receive({ seq: 11, type: 'org.changed', at: AT, payload: { entity: 'apiKey', id: 'k1', name: 'CRM sync' } })).toBe('none');
    expect(board.receive({ seq: 12, type: 'org.changed', at: AT, payload: { entity: 'team', id: 't1', name: 'Jawa Barat' } })).toBe('fetch-snapshot');
  });

  it('asks for a fresh snapshot after an import, holding later events until it lands', () => {
    const board = useBoardStore();
    board.applySnapshot(makeSnapshot());

    expect(board.receive({ seq: 11, type: 'deals.imported', at: AT, payload: { jobId: 'job-1', created: 500, updated: 0, rejected: 0 } })).toBe(
      'fetch-snapshot',
    );
    board.receive(liveEvent.created(12));
    expect(board.lastSeq).toBe(11);

    board.applySnapshot(makeSnapshot({ seq: 11, pipeline: [{ stage: 'lead', count: 502, amount: '900000000.00' }] }));

    expect(board.lastSeq).toBe(12);
    expect(bar('lead')).toEqual({ count: 503, amount: '901000000.00' });
  });
});
