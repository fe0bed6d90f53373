/**
 * Broadcasts that leave the event loop free while they are written. One frame to 1,000 sockets
 * is 1,000 socket writes of some 30 µs each: 30 ms in one go, during which no request is
 * answered and no message read. The bench's fanout profile had 62% of the server's time in
 * those writes and the event loop's p99 at 55 ms under 70% load.
 *
 * A local broadcast here takes its sockets when it is sent, as socket.io's does (a socket that
 * joins a room later does not get it), encodes once, as socket.io's does, and then writes to
 * them for at most SLICE_BUDGET_MS at a time, going on after the event loop has had a turn. The
 * frames queue in order, so every socket still gets its frames in the order they were sent; one
 * that finds nothing queued and fits its slice leaves at once, as before.
 *
 * This reaches into socket.io's internals (the adapter's `_encode`, the client's
 * `writeToEngine`, what Adapter.broadcast itself calls) at the versions pinned in package.json;
 * test/live-sliced-broadcast.e2e-spec.ts breaks if they change.
 */
import { performance } from 'node:perf_hooks';
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';

/** How long one slice of writes may hold the event loop. */
export const SLICE_BUDGET_MS = 4;
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

/** `Base` (socket.io's in-memory adapter or the Redis one) with local broadcasts written in slices. */
export function sliced<T extends AdapterClass>(Base: T): T {
  return class SlicedBroadcasts extends Base {
    private readonly queued: QueuedFrame[] = [];
    private resumeScheduled = false;

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
      if (this.queued.length === 1) this.write(SLICE_BUDGET_MS);
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

    /** After the event loop's next round of I/O: requests and socket messages waiting get their turn first. */
    private resumeSoon(): void {
      if (this.resumeScheduled) return;
      this.resumeScheduled = true;
      setImmediate(() => {
        this.resumeScheduled = false;
        this.write(SLICE_BUDGET_MS);
      });
    }
  };
}

/** socket.io's own adapter, in one process. */
export const SlicedAdapter = sliced(Adapter);
