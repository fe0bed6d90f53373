/** A real socket.io client on namespace /live that records everything it receives. */
import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  LIVE_NAMESPACE,
  type LiveEvent,
  type ServerToClientEvents,
  type Snapshot,
  SOCKET_PATH,
  WALLBOARD_BOARD_KEY,
} from '@salesboard/shared';
import { HeldBoards } from './held-boards.js';

export interface RecordingClient {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  snapshots: Snapshot[];
  events: LiveEvent[];
  /**
   * The boards it holds, with every `leaderboard.updated` applied as it arrives: the wallboard's
   * from the snapshot, others once a test holds them (from GET /api/leaderboard). A delta that
   * does not fit is recorded in `boards.mismatched`, not reloaded.
   */
  boards: HeldBoards;
  /** Resolves with the first received event that matches, waiting up to `ms`. */
  waitForEvent(match: (event: LiveEvent) => boolean, ms?: number): Promise<LiveEvent>;
  waitForSnapshot(ms?: number): Promise<Snapshot>;
  /** Resolves once `condition` holds, checking every 10 ms for up to `ms`. */
  waitFor(condition: () => boolean, ms?: number, what?: string): Promise<void>;
  close(): void;
}

export function connectLive(baseUrl: string, auth: { since?: number; token?: string } = {}): RecordingClient {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${baseUrl}${LIVE_NAMESPACE}`, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
  });
  const snapshots: Snapshot[] = [];
  const events: LiveEvent[] = [];
  const boards = new HeldBoards();
  const record = (event: LiveEvent) => {
    events.push(event);
    boards.receive(event);
  };
  socket.on('snapshot', (s) => {
    snapshots.push(s);
    boards.hold(WALLBOARD_BOARD_KEY, { seq: s.leaderboardSeq ?? s.seq, rows: s.leaderboard });
  });
  socket.on('event', record);
  // An `events` frame carries logged events coalesced within a window: recorded one by one.
  socket.on('events', (batch) => batch.forEach(record));
  // A `figures` frame carries derived events computed together: recorded as if each came alone.
  socket.on('figures', (batch) => batch.forEach(record));
  const poll = <T>(find: () => T | undefined, ms: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        const found = find();
        if (found !== undefined) return resolve(found);
        if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
        setTimeout(tick, 10);
      };
      tick();
    });
  return {
    socket,
    snapshots,
    events,
    boards,
    waitFor: (condition, ms = 5000, what = 'a condition') => poll(() => (condition() ? true : undefined), ms, what).then(() => undefined),
    waitForEvent: (match, ms = 5000) => poll(() => events.find(match), ms, 'an event'),
    waitForSnapshot: (ms = 5000) => poll(() => snapshots[0], ms, 'a snapshot'),
    close: () => socket.close(),
  };
}
