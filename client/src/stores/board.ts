import {
  applyLeaderboardUpdate,
  fromMinor,
  isSequencedEvent,
  orgAmountMinorOf,
  toMinor,
  type Deal,
  leaderboardKey,
  type LeaderboardRow,
  loadCurrentBoard,
  type LiveEvent,
  type LoggedEvent,
  type MoneyString,
  type OrgEntity,
  type ResyncResult,
  type SequencedEvent,
  type Snapshot,
  type Stage,
  type Team,
  type Territory,
  WALLBOARD_BOARD_KEY,
} from '@salesboard/shared';
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { fetchLeaderboard } from '@/api/kpis';

/**
 * What the connection must do next to keep the stream gap-free. The store decides, the live
 * store talks to the server: this keeps every ordering rule here, testable without a socket.
 */
export type SyncAction = 'none' | 'resync' | 'fetch-snapshot';

/** One bar of the pipeline chart: open deals in one open stage. Money in bigint minor units, exact at any size. */
export interface PipelineBar {
  stage: string;
  label: string;
  count: number;
  amountMinor: bigint;
}

export const FEED_LIMIT = 30;

/**
 * Logged events held back while a gap is being filled. A TV whose resync keeps failing would
 * otherwise grow this for days; past the limit the events are dropped, and the replay or the
 * snapshot that ends the resync brings their effect back.
 */
const PENDING_LIMIT = 5_000;

/** The org things a snapshot carries (labels, bars): a change to one is fetched anew. */
const SNAPSHOT_ENTITIES: ReadonlySet<OrgEntity> = new Set(['team', 'territory', 'rep', 'stage']);

/** Events that read as a sentence on the feed; org and quota changes are not sales activity. */
function belongsInFeed(event: LoggedEvent): boolean {
  switch (event.type) {
    case 'deal.created':
    case 'deal.stageChanged':
    case 'deal.won':
    case 'deal.lost':
    case 'activity.logged':
      return true;
    case 'deal.updated':
      return event.payload.previous.amount !== undefined;
    default:
      return false;
  }
}

/** Told of every event once it is applied in seq order (logged) or accepted (derived). */
export type BoardListener = (event: LiveEvent) => void;

export type SnapshotRep = Snapshot['reps'][number];

/** Where a deal counts in the pipeline: its stage and amount at one moment. */
interface Placement {
  stage: string;
  amount: MoneyString;
}

export const useBoardStore = defineStore('board', () => {
  /** The seq of the last logged event applied; null until the first snapshot. */
  const lastSeq = ref<number | null>(null);
  const currency = ref('IDR');
  const timeZone = ref('Asia/Jakarta');
  const stages = shallowRef<Stage[]>([]);
  const teams = shallowRef<Team[]>([]);
  const territories = shallowRef<Territory[]>([]);
  const reps = shallowRef<SnapshotRep[]>([]);
  const pipeline = shallowRef<PipelineBar[]>([]);
  const leaderboard = shallowRef<LeaderboardRow[]>([]);
  /** Newest first, at most FEED_LIMIT. */
  const feed = shallowRef<LoggedEvent[]>([]);
  /** A resync (or the snapshot that replaces it) is under way: logged events wait in `pending`. */
  const resyncing = ref(false);
  /** Bumped by every snapshot applied: views holding their own numbers refetch after a long gap. */
  const snapshotCount = ref(0);
  /**
   * Bumped by every catch-up after a gap (a replay or a snapshot): derived updates sent meanwhile
   * may be lost with the logged events, so pushed figures are loaded afresh.
   */
  const resyncCount = ref(0);

  // Internal bookkeeping, not state anyone renders.
  const pending = new Map<number, SequencedEvent>();
  const listeners = new Set<BoardListener>();
  /** An import changed too much to apply event by event: the next step is a fresh snapshot. */
  let snapshotWanted = false;
  /** The seq the shown leaderboard reflects, so a late, older update cannot overwrite a newer one. */
  let leaderboardSeq = -1;
  /** While the board loads again over REST, the newest push that came meanwhile (loadCurrentBoard); null otherwise. */
  let pushedWhileReloading: { seq: number } | null = null;

  const ready = computed(() => lastSeq.value !== null);
  const stageLabels = computed(() => new Map(stages.value.map((stage) => [stage.key, stage.label])));
  const openPipeline = computed(() =>
    pipeline.value.reduce((total, bar) => ({ count: total.count + bar.count, amountMinor: total.amountMinor + bar.amountMinor }), {
      count: 0,
      amountMinor: 0n,
    }),
  );

  function stageLabel(key: string): string {
    return stageLabels.value.get(key) ?? key;
  }

  const repsById = computed(() => new Map(reps.value.map((rep) => [rep.id, rep])));

  /**
   * Views that react to single events (a celebration, a KPI refetch) subscribe here rather than
   * to the socket: they then see each logged event once, in seq order, never a replayed duplicate.
   */
  function onEvent(listener: BoardListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function notify(event: LiveEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('Salesboard: a board listener failed', error);
      }
    }
  }

  function applySnapshot(snapshot: Snapshot): SyncAction {
    currency.value = snapshot.currency;
    timeZone.value = snapshot.timeZone;
    stages.value = [...snapshot.stages].sort((a, b) => a.position - b.position);
    teams.value = snapshot.teams;
    territories.value = snapshot.territories;
    reps.value = snapshot.reps;

    // Every open stage gets a bar, also those the snapshot omits for having no deals.
    const summaries = new Map(snapshot.pipeline.map((summary) => [summary.stage, summary]));
    pipeline.value = stages.value
      .filter((stage) => stage.kind === 'open')
      .map((stage) => {
        const summary = summaries.get(stage.key);
        return {
          stage: stage.key,
          label: stage.label,
          count: summary?.count ?? 0,
          amountMinor: summary ? toMinor(summary.amount) : 0n,
        };
      });

    const snapshotBoardSeq = snapshot.leaderboardSeq ?? snapshot.seq;
    if (snapshotBoardSeq >= leaderboardSeq) showLeaderboard(snapshotBoardSeq, snapshot.leaderboard);
    feed.value = [...snapshot.feed].reverse().filter(belongsInFeed).slice(0, FEED_LIMIT);

    // The snapshot is the truth at its seq, even below what was applied before; a later
    // `head` then shows the difference and a resync fetches it.
    lastSeq.value = snapshot.seq;
    resyncing.value = false;
    snapshotCount.value += 1;
    return drainPending();
  }

  /** Every message on the `event` channel goes through here, in arrival order. */
  function receive(event: LiveEvent): SyncAction {
    if (!isSequencedEvent(event)) {
      applyDerived(event);
      return 'none';
    }
    const applied = lastSeq.value;
    // Before the first snapshot, or while a resync is answering, nothing is applied: a
    // snapshot may still land and reset the state under any event applied meanwhile.
    if (applied === null || resyncing.value) {
      hold(event);
      return 'none';
    }
    if (event.seq <= applied) return 'none'; // already applied: a duplicate from a replay overlap
    if (event.seq === applied + 1) {
      applyLogged(event);
      return drainPending();
    }
    hold(event);
    return startResync();
  }

  /**
   * An `events` frame: logged events the server coalesced, in seq order. Applied exactly as the
   * same events one by one; the first that calls for a resync or a snapshot says so (while one is
   * under way, the rest wait in `pending` as they would have).
   */
  function receiveAll(events: readonly SequencedEvent[]): SyncAction {
    let action: SyncAction = 'none';
    for (const event of events) {
      const next = receive(event);
      if (action === 'none') action = next;
    }
    return action;
  }

  /** The server's periodic `head`: behind it means events were missed without a visible gap. */
  function receiveHead(headSeq: number): SyncAction {
    const applied = lastSeq.value;
    if (applied === null || resyncing.value || headSeq <= applied) return 'none';
    return startResync();
  }

  function applyResync(result: ResyncResult): SyncAction {
    // The server could not replay: keep buffering until a snapshot fetched over HTTP lands.
    if (!result.ok) return 'fetch-snapshot';
    resyncCount.value += 1;
    if (result.mode === 'snapshot') return applySnapshot(result.snapshot);

    // Replayed and buffered events share one path, so duplicates and order are handled once.
    for (const event of result.events) hold(event);
    resyncing.value = false;
    const next = drainPending();
    // A replay may stop short of the head it reports (a page limit): ask for the rest.
    if (next === 'none' && (lastSeq.value ?? 0) < result.head) return startResync();
    return next;
  }

  /** The resync's answer will not come (timeout, disconnect, failed fetch); the next gap or head retries. */
  function abandonResync(): void {
    resyncing.value = false;
  }

  function startResync(): SyncAction {
    if (resyncing.value) return 'none';
    resyncing.value = true;
    return 'resync';
  }

  function hold(event: SequencedEvent): void {
    if (pending.size >= PENDING_LIMIT) pending.clear();
    pending.set(event.seq, event);
  }

  /** Applies buffered events while they continue `lastSeq` without a hole; asks for a resync if one stays. */
  function drainPending(): SyncAction {
    const ordered = [...pending.values()].sort((a, b) => a.seq - b.seq);
    for (const event of ordered) {
      const applied = lastSeq.value ?? 0;
      if (event.seq <= applied) {
        pending.delete(event.seq);
      } else if (event.seq === applied + 1) {
        pending.delete(event.seq);
        applyLogged(event);
      } else {
        break;
      }
    }
    if (snapshotWanted) {
      snapshotWanted = false;
      // Later events wait for the snapshot, exactly as during a resync.
      resyncing.value = true;
      return 'fetch-snapshot';
    }
    return pending.size > 0 ? startResync() : 'none';
  }

  function applyLogged(event: SequencedEvent): void {
    switch (event.type) {
      case 'event.hidden':
        // Someone else's deal or activity, withheld from this credential: only its seq counts.
        lastSeq.value = event.seq;
        return;
      case 'deal.created':
        movePipeline(null, placementOf(event.payload.deal));
        break;
      case 'deal.stageChanged':
      case 'deal.won':
      case 'deal.lost': {
        const { deal, from, to } = event.payload;
        const amount = orgAmountOf(deal);
        movePipeline(from === null ? null : { stage: from, amount }, { stage: to, amount });
        break;
      }
      case 'deal.updated': {
        const { deal, previous } = event.payload;
        if (previous.amount === undefined && previous.amountInOrgCurrency === undefined && previous.stage === undefined) break;
        // Take the deal out where it counted before the change and put it back where it counts now. An
        // event logged before conversion existed has no amountInOrgCurrency: its deals were all in the organisation's currency.
        const before = previous.amountInOrgCurrency !== undefined ? (previous.amountInOrgCurrency ?? '0.00') : (previous.amount ?? orgAmountOf(deal));
        movePipeline({ stage: previous.stage ?? deal.stage, amount: before }, placementOf(deal));
        break;
      }
      case 'deal.deleted':
        movePipeline(placementOf(event.payload.deal), null);
        break;
      case 'deals.imported':
        // One event for a whole import (or the demo data): one snapshot rather than a replay.
        snapshotWanted = true;
        break;
      case 'org.changed':
        // A team renamed or a stage added in the admin area: the names and bars come with the snapshot.
        if (SNAPSHOT_ENTITIES.has(event.payload.entity)) snapshotWanted = true;
        break;
      default:
        // Activities, leads, quotas and org changes do not move the pipeline.
        break;
    }
    if (belongsInFeed(event)) feed.value = [event, ...feed.value].slice(0, FEED_LIMIT);
    lastSeq.value = event.seq;
    notify(event);
  }

  function applyDerived(event: Exclude<LiveEvent, SequencedEvent>): void {
    notify(event);
    if (event.type !== 'leaderboard.updated') return; // kpi.updated: the figures store applies it
    // The one leaderboard the wallboard shows; the server also broadcasts others. Before the
    // first snapshot there is nothing to apply a delta to: the snapshot brings the board.
    const { metric, period, scope } = event.payload;
    if (leaderboardKey(metric, period, scope) !== WALLBOARD_BOARD_KEY || lastSeq.value === null) return;
    // Not applied to rows the load on its way replaces: its answer is made at least as recent.
    if (pushedWhileReloading) {
      pushedWhileReloading.seq = Math.max(pushedWhileReloading.seq, event.seq);
      return;
    }
    const held = { seq: leaderboardSeq, rows: leaderboard.value };
    const next = applyLeaderboardUpdate(held, event.payload, event.seq);
    if (next === null) reloadLeaderboard();
    else if (next !== held) showLeaderboard(next.seq, next.rows);
  }

  function showLeaderboard(seq: number, rows: LeaderboardRow[]): void {
    leaderboard.value = rows;
    leaderboardSeq = seq;
  }

  /**
   * A delta came for other rows than those shown (a push lost, a snapshot read while a change
   * waited to be pushed): the board comes again over REST, and the next delta applies to it.
   * A failed load leaves the board as it is; the next delta that does not fit tries again.
   */
  function reloadLeaderboard(): void {
    const pushed = { seq: -1 };
    pushedWhileReloading = pushed;
    loadCurrentBoard(() => fetchLeaderboard({ metric: 'revenue', period: 'month' }), pushed)
      .then((answer) => {
        if (answer.seq >= leaderboardSeq) showLeaderboard(answer.seq, answer.rows);
      })
      .catch((error: unknown) => console.warn('Salesboard: reloading the leaderboard failed', error))
      .finally(() => {
        pushedWhileReloading = null;
      });
  }

  /** Moves one deal between stages; stages that are not open have no bar and are skipped. */
  function movePipeline(from: Placement | null, to: Placement | null): void {
    const touches = (bar: PipelineBar) => bar.stage === from?.stage || bar.stage === to?.stage;
    if (!pipeline.value.some(touches)) return;
    pipeline.value = pipeline.value.map((bar) => {
      if (!touches(bar)) return bar;
      let { count, amountMinor } = bar;
      if (bar.stage === from?.stage) {
        count -= 1;
        amountMinor -= toMinor(from.amount);
      }
      if (bar.stage === to?.stage) {
        count += 1;
        amountMinor += toMinor(to.amount);
      }
      return { ...bar, count, amountMinor };
    });
  }

  return {
    lastSeq,
    currency,
    timeZone,
    stages,
    teams,
    territories,
    reps,
    repsById,
    pipeline,
    leaderboard,
    feed,
    resyncing,
    snapshotCount,
    resyncCount,
    ready,
    openPipeline,
    stageLabel,
    onEvent,
    applySnapshot,
    receive,
    receiveAll,
    receiveHead,
    applyResync,
    abandonResync,
  };
});

/** The pipeline adds amounts in the organisation's currency; one without a rate adds nothing, never its own amount. */
function orgAmountOf(deal: Deal): MoneyString {
  return fromMinor(orgAmountMinorOf(deal));
}

function placementOf(deal: Deal): Placement {
  return { stage: deal.stage, amount: orgAmountOf(deal) };
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useBoardStore, import.meta.hot));
