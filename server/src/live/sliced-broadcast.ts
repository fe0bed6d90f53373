/**
 * Broadcasts that leave the event loop free while they are written. One frame to 1,000 sockets
 * is 1,000 socket writes of some 30 µs each: 30 ms in one go, during which no request is
 * answered and no message read. The bench's fanout profile had 62% of the server's time in
 * those writes and the event loop's p99 at 55 ms under 70% load.
 *
 * A local broadcast here takes its sockets when it is sent, as socket.io's does (a socket that
 * joins a room later does not get it), encodes once, as socket.io's does, and then writes to
 * them for at most SLICE_BUDGET_MS at a time (IDLE_SLICE_BUDGET_MS while the event loop has been
 * mostly idle), going on after the event loop has had a turn. The frames queue in order, so every
 * socket still gets its frames in the order they were sent; one that finds nothing queued and
 * fits its slice leaves at once, as before.
 *
 * This reaches into socket.io's internals (the adapter's `_encode`, the client's
 * `writeToEngine`, what Adapter.broadcast itself calls) at the versions pinned in package.json;
 * test/live-sliced-broadcast.e2e-spec.ts breaks if they change.
 */
import { performance } from 'node:perf_hooks';
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';

/** How long one slice of writes may hold a busy event loop. */
export const SLICE_BUDGET_MS = 4;
/**
 * How long a slice may hold an event loop that has been mostly idle: little is waiting behind it,
 * and a frame written in one go reaches its last socket sooner, since each turn of the loop
 * between slices also runs the write callbacks of every socket already written (about 2 ms of a
 * 15 ms broadcast to 1,000 sockets, bench profile of the latency scenario).
 */
export const IDLE_SLICE_BUDGET_MS = 16;
/** Below this share of its recent time busy, the event loop counts as mostly idle. */
export const IDLE_UTILIZATION = 0.4;
/** The event loop's utilization is read again at most this often, over the time since the last read. */
const UTILIZATION_WINDOW_MS = 100;
/** Sockets written between two looks at the clock. */
const CLOCK_EVERY = 16;

/** What socket.io's Adapter.broadcast uses of a socket, not in its public types. */
interface WritableSocket {
  client: { writeToEngine(encoded: unknown[], options: object): void };
  notifyOutgoingListeners?: (packet: unknown) => void;
}

/** What Adapter.broadcast itself calls, private in its types. */
interface AdapterInternals {
  _encode(packet: unknown, options: object): unknown[];
  apply(opts: BroadcastOptions, callback: (socket: WritableSocket) => void): void;
}

interface QueuedFrame {
  packet: unknown;
  encoded: unknown[];
  options: object;
  sockets: WritableSocket[];
  next: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor takes what its base takes
type AdapterClass = new (...args: any[]) => Adapter;

/** How busy the event loop has been lately: the share of time it was not waiting for I/O. */
class LoopLoad {
  private last = performance.eventLoopUtilization();
  private utilization = 0;

  current(): number {
    const now = performance.eventLoopUtilization();
    // idle + active is the time since the last read
    if (now.idle + now.active - (this.last.idle + this.last.active) >= UTILIZATION_WINDOW_MS) {
      this.utilization = performance.eventLoopUtilization(now, this.last).utilization;
      this.last = now;
    }
    return this.utilization;
  }
}

/** `Base` (socket.io's in-memory adapter or the Redis one) with local broadcasts written in slices. */
export function sliced<T extends AdapterClass>(Base: T): T {
  return class SlicedBroadcasts extends Base {
    private readonly queued: QueuedFrame[] = [];
    private resumeScheduled = false;
    private readonly load = new LoopLoad();

    override broadcast(packet: { nsp?: string }, opts: BroadcastOptions): void {
      // Sends to the whole cluster (rare: an import's progress to admins) go the base's way,
      // which writes to this node's sockets at once: what was queued before goes first.
      if (!opts.flags?.local) {
        this.write(Infinity);
        return super.broadcast(packet, opts);
      }
      const internals = this as unknown as AdapterInternals;
      const sockets: WritableSocket[] = [];
      internals.apply(opts, (socket) => sockets.push(socket));
      if (sockets.length === 0) return; // nobody to encode it for
      const options = { preEncoded: true, volatile: opts.flags.volatile, compress: opts.flags.compress };
      packet.nsp = this.nsp.name;
      const encoded = internals._encode(packet, options);
      this.queued.push({ packet, encoded, options, sockets, next: 0 });
      if (this.queued.length === 1) this.write(this.sliceBudget());
    }

    override close(): Promise<void> | void {
      this.queued.length = 0;
      return super.close();
    }

    /** Writes queued frames in order until they are all out or `budgetMs` is spent. */
    private write(budgetMs: number): void {
      const until = performance.now() + budgetMs;
      while (this.queued.length > 0) {
        const frame = this.queued[0];
        while (frame.next < frame.sockets.length) {
          const socket = frame.sockets[frame.next++];
          socket.notifyOutgoingListeners?.(frame.packet);
          socket.client.writeToEngine(frame.encoded, frame.options);
          if (frame.next % CLOCK_EVERY === 0 && frame.next < frame.sockets.length && performance.now() >= until) return this.resumeSoon();
        }
        this.queued.shift();
      }
    }

    /** Short slices while the event loop is busy, long ones while it has been mostly idle. */
    private sliceBudget(): number {
      return this.load.current() < IDLE_UTILIZATION ? IDLE_SLICE_BUDGET_MS : SLICE_BUDGET_MS;
    }

    /** After the event loop's next round of I/O: requests and socket messages waiting get their turn first. */
    private resumeSoon(): void {
      if (this.resumeScheduled) return;
      this.resumeScheduled = true;
      setImmediate(() => {
        this.resumeScheduled = false;
        this.write(this.sliceBudget());
      });
    }
  };
}

/** socket.io's own adapter, in one process. */
export const SlicedAdapter = sliced(Adapter);
