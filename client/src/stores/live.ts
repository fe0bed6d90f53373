import type { HandshakeAuth, SubscribeInput } from '@salesboard/shared';
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import { openLiveSocket, type LiveSocket, type OpenLiveSocket } from '@/api/live-socket';
import { fetchSnapshot } from '@/api/snapshot';
import { useBoardStore, type SyncAction } from './board';
import { createFrameInbox, type FrameInbox, type FrameScheduler, nextFrame } from './frame-inbox';
import { useSessionStore } from './session';

/** `unauthorized`: the server wants a credential this browser does not have (a TV shows its pairing code). */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

/** How long to wait before trying again after the server refused the handshake for another reason. */
const HANDSHAKE_RETRY_MS = 5_000;

/** A resync answer slower than this is given up; the next `head` asks again. */
const RESYNC_TIMEOUT_MS = 10_000;
/** Keeps a server that answers a resync without closing the gap from being asked in a tight loop. */
const MIN_RESYNC_INTERVAL_MS = 1_000;

/**
 * The socket to `/live`: feeds everything it receives to the board store and carries out the
 * store's resync requests. The socket itself stays out of reactive state.
 */
export const useLiveStore = defineStore('live', () => {
  const board = useBoardStore();
  const session = useSessionStore();

  const state = ref<ConnectionState>('connecting');
  /** When `state` last changed (epoch ms), for "Reconnecting… since 14:02". */
  const stateSince = ref(Date.now());
  /** Set by the server's `head` while it has lost its database: the board is connected but frozen. */
  const staleSince = ref<string | null>(null);

  let socket: LiveSocket | null = null;
  /** What the socket brought since the last frame; lifecycle messages and answers apply it first, so nothing overtakes it. */
  let inbox: FrameInbox | null = null;
  /** Bumped on each request and on disconnect, so a late answer to an old request is ignored. */
  let resyncGeneration = 0;
  let lastResyncAt = Number.NEGATIVE_INFINITY;
  let resyncTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The credential sent with the last handshake, so a refusal can be pinned on it. */
  let handshakeToken: string | null = null;
  /** The scope whose KPI updates this page wants; sent again on every (re)connect. */
  let scope: SubscribeInput | null = null;
  /**
   * The subscription the server last accepted, stamped anew on every accepted (re)subscribe: the
   * server takes its diff baseline before it answers, so figures loaded after this are safe to
   * update from pushes. `reconnected`: accepted again after a reconnect, when updates may have been missed.
   */
  const subscribed = shallowRef<{ scope: SubscribeInput; generation: number; reconnected: boolean } | null>(null);
  let subscribeGeneration = 0;

  // Signing in, or a TV being paired, gives a refused page a credential to try.
  watch(
    () => session.accessToken ?? session.displayToken,
    (token) => {
      if (token && state.value === 'unauthorized') retry();
    },
  );

  function setState(next: ConnectionState): void {
    if (state.value === next) return;
    state.value = next;
    stateSince.value = Date.now();
  }

  /** `schedule`: when queued messages are applied (the next frame; at once in unit tests). */
  function start(open: OpenLiveSocket = openLiveSocket, schedule: FrameScheduler = nextFrame): void {
    if (socket) return;
    setState('connecting');
    const received = (inbox = createFrameInbox(schedule));
    const opened = open(() => {
      handshakeToken = session.bearer();
      const auth: HandshakeAuth = {};
      if (handshakeToken) auth.token = handshakeToken;
      if (board.lastSeq !== null) auth.since = board.lastSeq;
      return auth;
    });
    socket = opened;

    let connections = 0;
    opened.on('connect', () => {
      received.flush();
      setState('live');
      connections += 1;
      if (scope) sendSubscribe(opened, scope, connections > 1);
    });
    opened.on('connect_error', (error) => {
      received.flush();
      void handshakeRefused(opened, error.message);
    });
    opened.on('disconnect', (reason) => {
      received.flush();
      invalidateResync();
      if (reason === 'io client disconnect') return; // we closed it: stop() handles the rest
      setState('reconnecting');
      // socket.io retries by itself except after a server-side disconnect.
      if (reason === 'io server disconnect') opened.connect();
    });
    opened.on('snapshot', (snapshot) => received.push(() => follow(board.applySnapshot(snapshot))));
    opened.on('event', (event) => received.push(() => follow(board.receive(event))));
    opened.on('events', (events) => received.push(() => follow(board.receiveAll(events))));
    // Derived only (boards, KPIs): applying them never asks for a resync.
    opened.on('figures', (events) =>
      received.push(() => {
        for (const event of events) board.receive(event);
      }),
    );
    opened.on('head', ({ seq, staleSince: serverStaleSince }) =>
      received.push(() => {
        staleSince.value = serverStaleSince ?? null;
        follow(board.receiveHead(seq));
      }),
    );
  }

  /**
   * The server refused the handshake. A refused credential is renewed once (an expired access
   * token refreshes; a revoked display credential is forgotten); without a working one the page
   * waits in `unauthorized` until `retry()`. socket.io does not retry refusals by itself.
   */
  async function handshakeRefused(opened: LiveSocket, message: string): Promise<void> {
    if (!message.startsWith('unauthorized')) {
      if (!opened.active) scheduleRetry(opened);
      return;
    }
    const refused = handshakeToken;
    const renewed = refused !== null && (await session.renew(refused));
    if (socket !== opened) return; // stopped meanwhile
    if (renewed || (session.bearer() !== null && session.bearer() !== refused)) opened.connect();
    else setState('unauthorized');
  }

  function scheduleRetry(opened: LiveSocket): void {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (socket === opened && !opened.connected) opened.connect();
    }, HANDSHAKE_RETRY_MS);
  }

  /** Connects again now, e.g. once a TV has been paired and holds a credential. */
  function retry(): void {
    if (!socket || socket.connected) return;
    setState('connecting');
    socket.connect();
  }

  /** Asks for `kpi.updated` of a scope (`{}`: the organisation); kept for reconnects. */
  function subscribe(next: SubscribeInput): void {
    scope = next;
    if (socket?.connected) sendSubscribe(socket, next, false);
  }

  function sendSubscribe(on: LiveSocket, next: SubscribeInput, reconnected: boolean): void {
    on.timeout(RESYNC_TIMEOUT_MS)
      .emitWithAck('subscribe', next)
      .then((result) => {
        if (!result.ok) {
          console.warn('Salesboard: the server refused live figures for', next, result.error);
          return;
        }
        if (socket !== on || scope !== next) return; // superseded
        subscribed.value = { scope: next, generation: ++subscribeGeneration, reconnected };
      })
      // No answer in time (a disconnect): the next connect subscribes again.
      .catch(() => undefined);
  }

  function stop(): void {
    clearTimeout(retryTimer);
    scope = null;
    subscribed.value = null;
    invalidateResync();
    inbox?.clear();
    inbox = null;
    socket?.off();
    socket?.disconnect();
    socket = null;
    setState('connecting');
  }

  function follow(action: SyncAction): void {
    if (action === 'resync') scheduleResync();
    else if (action === 'fetch-snapshot') void loadSnapshotOverHttp();
  }

  function scheduleResync(): void {
    const wait = lastResyncAt + MIN_RESYNC_INTERVAL_MS - Date.now();
    if (wait > 0) resyncTimer = setTimeout(sendResync, wait);
    else sendResync();
  }

  function sendResync(): void {
    resyncTimer = undefined;
    const since = board.lastSeq;
    if (!socket?.connected || since === null) {
      board.abandonResync();
      return;
    }
    lastResyncAt = Date.now();
    const generation = ++resyncGeneration;
    socket.timeout(RESYNC_TIMEOUT_MS).emit('resync', { since }, (error, result) => {
      if (generation !== resyncGeneration) return;
      inbox?.flush();
      if (error) board.abandonResync();
      else follow(board.applyResync(result));
    });
  }

  async function loadSnapshotOverHttp(): Promise<void> {
    const generation = resyncGeneration;
    try {
      const snapshot = await fetchSnapshot();
      if (generation !== resyncGeneration) return;
      inbox?.flush();
      follow(board.applySnapshot(snapshot));
    } catch (error) {
      // A TV has nobody to show this to; the next `head` starts another resync.
      console.warn('Salesboard: could not load a snapshot after a failed resync', error);
      if (generation === resyncGeneration) board.abandonResync();
    }
  }

  function invalidateResync(): void {
    resyncGeneration += 1;
    clearTimeout(resyncTimer);
    resyncTimer = undefined;
    board.abandonResync();
  }

  return { state, stateSince, staleSince, subscribed, start, stop, retry, subscribe };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLiveStore, import.meta.hot));
