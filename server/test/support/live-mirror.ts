/**
 * A client that follows the delivery protocol the way the real client does: it applies logged
 * events strictly in seq order, drops duplicates, resyncs on a gap or a head ahead of it, and
 * reconnects with its last seq. It mirrors deals from the events so a test can compare the
 * mirror with the database.
 */
import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  isLoggedEvent,
  LIVE_NAMESPACE,
  type LeaderboardResponse,
  type LeaderboardRow,
  type LiveEvent,
  type LoggedEvent,
  type ServerToClientEvents,
  SOCKET_PATH,
  WALLBOARD_BOARD_KEY,
} from '@salesboard/shared';
import { HeldBoards, leaderboardQueryOf } from './held-boards.js';

export class LiveMirror {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  lastSeq = 0;
  applied: number[] = [];
  duplicates = 0;
  snapshots = 0;
  readonly deals = new Map<string, { stage: string; amount: string }>();
  /** The wallboard's board, kept as the client keeps it: deltas applied, reloaded over REST when one does not fit. */
  readonly boards: HeldBoards;
  private resyncing = false;

  get leaderboard(): LeaderboardRow[] {
    return this.boards.get(WALLBOARD_BOARD_KEY)?.rows ?? [];
  }

  constructor(baseUrl: string, token?: string) {
    this.boards = new HeldBoards(async (key) => {
      const answer = await fetch(`${baseUrl}${leaderboardQueryOf(key)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!answer.ok) throw new Error(`GET /api/leaderboard answered ${answer.status}`);
      return (await answer.json()) as LeaderboardResponse;
    });
    this.socket = io(`${baseUrl}${LIVE_NAMESPACE}`, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      // A client with nothing yet asks for a snapshot; one with state asks for what it missed.
      auth: (cb) => cb({ ...(token ? { token } : {}), ...(this.snapshots > 0 ? { since: this.lastSeq } : {}) }),
    });
    this.socket.on('snapshot', (snapshot) => {
      this.snapshots++;
      this.lastSeq = snapshot.seq;
      this.boards.hold(WALLBOARD_BOARD_KEY, { seq: snapshot.leaderboardSeq ?? snapshot.seq, rows: snapshot.leaderboard });
    });
    this.socket.on('event', (event) => this.receive(event));
    this.socket.on('events', (events) => events.forEach((event) => this.receive(event)));
    this.socket.on('figures', (events) => events.forEach((event) => this.receive(event)));
    this.socket.on('head', ({ seq }) => {
      if (seq > this.lastSeq) void this.resync();
    });
  }

  private receive(event: LiveEvent): void {
    if (!isLoggedEvent(event)) {
      this.boards.receive(event);
      return;
    }
    if (event.seq <= this.lastSeq) {
      this.duplicates++;
      return;
    }
    if (event.seq > this.lastSeq + 1) {
      void this.resync();
      return;
    }
    this.apply(event);
  }

  private apply(event: LoggedEvent): void {
    this.lastSeq = event.seq;
    this.applied.push(event.seq);
    if ('deal' in event.payload) this.deals.set(event.payload.deal.id, { stage: event.payload.deal.stage, amount: event.payload.deal.amount });
  }

  private async resync(): Promise<void> {
    if (this.resyncing || !this.socket.connected) return;
    this.resyncing = true;
    try {
      const result = await this.socket.timeout(5000).emitWithAck('resync', { since: this.lastSeq });
      if (result.ok && result.mode === 'replay') for (const event of result.events) if (event.seq === this.lastSeq + 1) this.apply(event);
      if (result.ok && result.mode === 'snapshot') {
        this.snapshots++;
        this.lastSeq = result.snapshot.seq;
      }
    } catch {
      // The next head or reconnect tries again.
    } finally {
      this.resyncing = false;
    }
  }

  close(): void {
    this.socket.close();
  }
}
