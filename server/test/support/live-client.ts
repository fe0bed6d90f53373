/** A real socket.io client on namespace /live that records everything it receives. */
import { io, type Socket } from 'socket.io-client';
import { type ClientToServerEvents, LIVE_NAMESPACE, type LiveEvent, type ServerToClientEvents, type Snapshot, SOCKET_PATH } from '@salesboard/shared';

export interface RecordingClient {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  snapshots: Snapshot[];
  events: LiveEvent[];
  /** Resolves with the first received event that matches, waiting up to `ms`. */
  waitForEvent(match: (event: LiveEvent) => boolean, ms?: number): Promise<LiveEvent>;
  waitForSnapshot(ms?: number): Promise<Snapshot>;
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
  socket.on('snapshot', (s) => snapshots.push(s));
  socket.on('event', (e) => events.push(e));
  // An `events` frame carries logged events coalesced within a window: recorded one by one.
  socket.on('events', (batch) => events.push(...batch));
  // A `figures` frame carries derived events computed together: recorded as if each came alone.
  socket.on('figures', (batch) => events.push(...batch));
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
    waitForEvent: (match, ms = 5000) => poll(() => events.find(match), ms, 'an event'),
    waitForSnapshot: (ms = 5000) => poll(() => snapshots[0], ms, 'a snapshot'),
    close: () => socket.close(),
  };
}
