import type { LoggedEvent } from '@salesboard/shared';

/** Seqs the log must be read for: after `after`, up to `upTo`, all known to be committed. */
export interface LogGap {
  after: number;
  upTo: number;
}

/**
 * Puts events back in seq order before they are broadcast. This node's writes tell their
 * events as they commit, but their answers reach JavaScript in any order: an event waits
 * here until every seq before it has been delivered. A missing seq is either a local write
 * committed and not yet answered, or another node's. Seqs are taken under a lock held until
 * commit, so a missing seq below one known committed is committed too: if it is local, its
 * write was under way when the gap was seen. The log is read for a gap only once every write
 * under way at that moment has ended without filling it, so this node never reads its own
 * events back, and never waits on a write that began after the gap.
 */
export class CommitOrder {
  private readonly held = new Map<number, LoggedEvent>();
  private readonly underway = new Set<number>();
  /** The writes a gap waits for, taken when the gap was first seen; null while there is no gap. */
  private awaited: Set<number> | null = null;
  /** The highest seq known to be committed, by this node or another. */
  private horizon: number;

  constructor(private delivered: number) {
    this.horizon = delivered;
  }

  /** The last seq handed out, in order. */
  get head(): number {
    return this.delivered;
  }

  /** A local write began: a gap seen from now on may be its own. */
  writing(write: number): void {
    this.underway.add(write);
  }

  /** A local write ended with these events (none if it rolled back): answers what may now be delivered, in order. */
  committed(write: number, events: readonly LoggedEvent[]): LoggedEvent[] {
    this.underway.delete(write);
    this.awaited?.delete(write);
    return this.accept(events);
  }

  /** Events read from the log: answers what may now be delivered, in order. */
  read(events: readonly LoggedEvent[]): LoggedEvent[] {
    return this.accept(events);
  }

  /** Some node committed everything up to `seq` (a notification, the counter). */
  committedUpTo(seq: number): void {
    if (seq > this.horizon) this.horizon = seq;
  }

  /** The log holds nothing up to `seq`: stop waiting for it. */
  skipTo(seq: number): LoggedEvent[] {
    if (seq > this.delivered) this.delivered = seq;
    for (const held of this.held.keys()) if (held <= seq) this.held.delete(held);
    return this.accept([]);
  }

  /** The seqs to read from the log, when a gap is no local write's; null while there is none or one may still fill it. */
  gap(): LogGap | null {
    if (this.horizon <= this.delivered) return null;
    this.awaited ??= new Set(this.underway);
    if (this.awaited.size > 0) return null;
    this.awaited = null;
    return { after: this.delivered, upTo: this.held.size > 0 ? Math.min(...this.held.keys()) - 1 : this.horizon };
  }

  private accept(events: readonly LoggedEvent[]): LoggedEvent[] {
    for (const event of events) {
      if (event.seq <= this.delivered) continue;
      this.held.set(event.seq, event);
      this.committedUpTo(event.seq);
    }
    const ready: LoggedEvent[] = [];
    for (let next = this.held.get(this.delivered + 1); next; next = this.held.get(this.delivered + 1)) {
      this.held.delete(next.seq);
      this.delivered = next.seq;
      ready.push(next);
    }
    // A gap filled: the next one waits for the writes under way when it is seen.
    if (ready.length > 0) this.awaited = null;
    return ready;
  }
}
