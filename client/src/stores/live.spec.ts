import type { HandshakeAuth, ResyncInput, ResyncResult, ServerToClientEvents } from '@salesboard/shared';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveSocket } from '@/api/live-socket';
import { liveEvent, makeLeaderboardRow, makeSnapshot } from '@/test-support/live-fixtures';
import { useBoardStore } from './board';
import type { FrameScheduler } from './frame-inbox';
import { useLiveStore } from './live';
import { STORAGE_KEYS, useSessionStore } from './session';

type ResyncAck = (error: Error | null, result?: ResyncResult) => void;

/** Stands in for socket.io-client: records what the client sends, lets a test play the server. */
class FakeServerConnection {
  connected = false;
  /** socket.io-client's flag: false after a handshake refusal, when it will not retry by itself. */
  active = true;
  connectCalls = 0;
  readonly emitted: { event: string; args: unknown[] }[] = [];
  readonly resyncRequests: { input: ResyncInput; answer: ResyncAck }[] = [];
  private readonly handlers = new Map<string, ((...args: unknown[]) => void)[]>();

  constructor(readonly auth: () => HandshakeAuth) {}

  on(event: string, handler: (...args: never[]) => void): this {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as (...args: unknown[]) => void);
    this.handlers.set(event, list);
    return this;
  }

  off(): this {
    this.handlers.clear();
    return this;
  }

  timeout() {
    return {
      emit: (event: 'resync', input: ResyncInput, answer: ResyncAck) => {
        this.resyncRequests.push({ input, answer });
      },
      emitWithAck: (event: string, ...args: unknown[]) => {
        this.emitted.push({ event, args });
        return Promise.resolve({ ok: true });
      },
    };
  }

  connect(): this {
    this.connectCalls += 1;
    this.active = true;
    return this;
  }

  emit(event: string, ...args: unknown[]): this {
    this.emitted.push({ event, args });
    return this;
  }

  /** The server's middleware says no, as socket.io delivers it: a connect_error with its message. */
  refuse(message: string): void {
    this.connected = false;
    this.active = false;
    this.dispatch('connect_error', new Error(message));
  }

  disconnect(): this {
    this.connected = false;
    return this;
  }

  connectNow(): void {
    this.connected = true;
    this.dispatch('connect');
  }

  drop(reason = 'transport close'): void {
    this.connected = false;
    this.dispatch('disconnect', reason);
  }

  send<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.dispatch(event, ...args);
  }

  private dispatch(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}

/** `schedule`: when queued messages are applied; by default each as it comes (batching per frame has its own tests). */
function startWithFakeServer(schedule: FrameScheduler = (flush) => flush()): FakeServerConnection {
  let connection: FakeServerConnection | undefined;
  useLiveStore().start((auth) => {
    connection = new FakeServerConnection(auth);
    return connection as unknown as LiveSocket;
  }, schedule);
  if (!connection) throw new Error('the live store did not open a socket');
  return connection;
}

/** Frames a test plays by hand: `frame()` is the browser's next animation frame. */
function manualFrames() {
  let due: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void due.push(flush),
    frame() {
      const now = due;
      due = [];
      for (const flush of now) flush();
    },
  };
}

describe('live store', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });
  afterEach(() => vi.useRealTimers());

  it('reconnects with the seq it has applied, so the server replays only what was missed', () => {
    const server = startWithFakeServer();
    expect(server.auth()).toEqual({}); // first visit: the server sends a snapshot

    server.connectNow();
    server.send('snapshot', makeSnapshot());
    server.send('event', liveEvent.created(11));
    server.drop();

    expect(server.auth()).toEqual({ since: 11 });
  });

  it('asks the server to resync from the last applied seq on a gap, then shows the replayed events', () => {
    const server = startWithFakeServer();
    server.connectNow();
    server.send('snapshot', makeSnapshot());

    server.send('event', liveEvent.activity(12, 'demo'));

    expect(server.resyncRequests.map((request) => request.input)).toEqual([{ since: 10 }]);
    server.resyncRequests[0]?.answer(null, { ok: true, mode: 'replay', events: [liveEvent.activity(11, 'call')], head: 12 });

    const board = useBoardStore();
    expect(board.lastSeq).toBe(12);
    expect(board.feed.map((event) => event.seq)).toEqual([12, 11]);
  });

  it('resyncs when the periodic head is ahead of what it has applied', () => {
    const server = startWithFakeServer();
    server.connectNow();
    server.send('snapshot', makeSnapshot());

    server.send('head', { seq: 10 });
    expect(server.resyncRequests).toHaveLength(0);
    server.send('head', { seq: 11 });
    expect(server.resyncRequests.map((request) => request.input)).toEqual([{ since: 10 }]);
  });

  it('ignores a resync answer that arrives after the connection dropped', () => {
    const server = startWithFakeServer();
    server.connectNow();
    server.send('snapshot', makeSnapshot());
    server.send('event', liveEvent.activity(12, 'demo'));
    server.drop();

    server.resyncRequests[0]?.answer(null, { ok: true, mode: 'snapshot', snapshot: makeSnapshot({ seq: 3 }) });

    expect(useBoardStore().lastSeq).toBe(10);
  });

  it('loads a snapshot over HTTP when the server cannot replay', async () => {
    const fetchSnapshot = vi.fn(async () => new Response(JSON.stringify(makeSnapshot({ seq: 12 }))));
    vi.stubGlobal('fetch', fetchSnapshot);
    const server = startWithFakeServer();
    server.connectNow();
    server.send('snapshot', makeSnapshot());
    server.send('event', liveEvent.activity(13, 'call'));

    server.resyncRequests[0]?.answer(null, { ok: false, error: 'log trimmed' });
    await vi.waitFor(() => expect(useBoardStore().lastSeq).toBe(13));

    expect(fetchSnapshot).toHaveBeenCalledWith('/api/snapshot', expect.anything());
  });

  it('reports Reconnecting while the socket is down and Live once it is back', () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T07:00:00Z') });
    const live = useLiveStore();
    const server = startWithFakeServer();
    expect(live.state).toBe('connecting');

    server.connectNow();
    expect(live.state).toBe('live');

    vi.setSystemTime(new Date('2026-11-28T07:02:00Z'));
    server.drop();
    expect(live.state).toBe('reconnecting');
    expect(live.stateSince).toBe(Date.parse('2026-11-28T07:02:00Z'));

    server.connectNow();
    expect(live.state).toBe('live');
  });

  it('marks the board stale while the server reports its database down, and clears it after', () => {
    const live = useLiveStore();
    const server = startWithFakeServer();
    server.connectNow();
    server.send('snapshot', makeSnapshot());

    server.send('head', { seq: 10, staleSince: '2026-11-28T07:10:00.000Z' });
    expect(live.staleSince).toBe('2026-11-28T07:10:00.000Z');
    server.send('head', { seq: 10 });
    expect(live.staleSince).toBeNull();
  });

  it('sends the TV display credential with the seq in the handshake', () => {
    localStorage.setItem(STORAGE_KEYS.display, 'sbd_tv');
    const server = startWithFakeServer();
    expect(server.auth()).toEqual({ token: 'sbd_tv' });

    server.connectNow();
    server.send('snapshot', makeSnapshot());
    expect(server.auth()).toEqual({ token: 'sbd_tv', since: 10 });
  });

  it('waits as unauthorized when refused without a credential, and connects once the TV is paired', async () => {
    const live = useLiveStore();
    const server = startWithFakeServer();

    server.refuse('unauthorized: a valid credential is required in auth.token');
    await vi.waitFor(() => expect(live.state).toBe('unauthorized'));
    expect(server.connectCalls).toBe(0);

    useSessionStore().setDisplayToken('sbd_paired');
    await vi.waitFor(() => expect(server.connectCalls).toBe(1));
    expect(server.auth()).toEqual({ token: 'sbd_paired' });
    expect(live.state).toBe('connecting');
  });

  it('forgets a revoked display credential and falls back to pairing', async () => {
    localStorage.setItem(STORAGE_KEYS.display, 'sbd_revoked');
    const live = useLiveStore();
    const server = startWithFakeServer();
    server.auth();

    server.refuse('unauthorized: a valid credential is required in auth.token');

    await vi.waitFor(() => expect(live.state).toBe('unauthorized'));
    expect(useSessionStore().displayToken).toBeNull();
  });

  it('refreshes an expired access token and reconnects with the new one', async () => {
    localStorage.setItem(STORAGE_KEYS.access, 'access-expired');
    localStorage.setItem(STORAGE_KEYS.refresh, 'refresh-1');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900, tokenType: 'Bearer' }))),
    );
    const server = startWithFakeServer();
    server.auth();

    server.refuse('unauthorized: a valid credential is required in auth.token');

    await vi.waitFor(() => expect(server.connectCalls).toBe(1));
    expect(server.auth()).toEqual({ token: 'access-2' });
  });

  it('asks for the KPI updates of its scope again after every reconnect', () => {
    const live = useLiveStore();
    const server = startWithFakeServer();
    live.subscribe({ teamId: '11111111-1111-4111-8111-111111111111' });
    server.connectNow();
    server.drop();
    server.connectNow();

    expect(server.emitted.filter((message) => message.event === 'subscribe')).toHaveLength(2);
  });

  it('applies what arrived during a frame together at the next frame, in the order it came', () => {
    const frames = manualFrames();
    const server = startWithFakeServer(frames.schedule);
    const board = useBoardStore();
    server.connectNow();
    server.send('snapshot', makeSnapshot());
    server.send('event', liveEvent.activity(11, 'call'));
    server.send('figures', [liveEvent.leaderboard(11, [makeLeaderboardRow({ id: 'rep-budi', name: 'Budi Santoso' })])]);
    server.send('event', liveEvent.activity(12, 'demo'));
    expect(board.lastSeq).toBeNull();

    frames.frame();
    expect(board.lastSeq).toBe(12);
    expect(board.feed.map((event) => event.seq)).toEqual([12, 11]);
    expect(board.leaderboard.map((row) => row.id)).toEqual(['rep-budi']);
    expect(server.resyncRequests).toEqual([]); // no gap was seen: 11 came before 12
  });

  it('applies what waits before a disconnect, so the reconnect asks only for what came after', () => {
    const frames = manualFrames();
    const server = startWithFakeServer(frames.schedule);
    server.connectNow();
    server.send('snapshot', makeSnapshot());
    server.send('event', liveEvent.activity(11, 'call'));
    server.drop();

    expect(server.auth()).toEqual({ since: 11 });
  });

  it('applies what waits before a resync answer, and a replay that overlaps it adds nothing twice', () => {
    const frames = manualFrames();
    const server = startWithFakeServer(frames.schedule);
    const board = useBoardStore();
    server.connectNow();
    server.send('snapshot', makeSnapshot());
    server.send('event', liveEvent.activity(12, 'demo')); // 11 is missing
    frames.frame();
    expect(server.resyncRequests.map((request) => request.input)).toEqual([{ since: 10 }]);

    server.send('event', liveEvent.activity(13, 'email'));
    server.resyncRequests[0]?.answer(null, {
      ok: true,
      mode: 'replay',
      events: [liveEvent.activity(11, 'call'), liveEvent.activity(12, 'demo'), liveEvent.activity(13, 'email')],
      head: 13,
    });
    expect(board.lastSeq).toBe(13);
    expect(board.feed.map((event) => event.seq)).toEqual([13, 12, 11]);
    frames.frame();
    expect(board.feed.map((event) => event.seq)).toEqual([13, 12, 11]);
  });

  it('drops what waits when stopped', () => {
    const frames = manualFrames();
    const server = startWithFakeServer(frames.schedule);
    const live = useLiveStore();
    server.connectNow();
    server.send('snapshot', makeSnapshot());
    live.stop();
    frames.frame();
    expect(useBoardStore().lastSeq).toBeNull();
  });
});
