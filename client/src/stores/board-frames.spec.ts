import type { SequencedEvent } from '@salesboard/shared';
import fc from 'fast-check';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { AT, liveEvent, makeDeal, makeSnapshot } from '@/test-support/live-fixtures';
import { type SyncAction, useBoardStore } from './board';

const SNAPSHOT_SEQ = makeSnapshot().seq;
const STAGES = ['lead', 'qualified', 'demo', 'proposal', 'negotiation'];

/** One logged event of a generated stream; its seq is given by its place (and the gaps before it). */
const eventSpec = fc.record({
  kind: fc.constantFrom('created', 'moved', 'won', 'lost', 'amount', 'hidden'),
  deal: fc.integer({ min: 0, max: 4 }),
  from: fc.constantFrom(...STAGES),
  to: fc.constantFrom(...STAGES),
  amount: fc.integer({ min: 1, max: 9_000_000 }).map((n) => `${n}.00`),
});
type Spec = typeof eventSpec extends fc.Arbitrary<infer T> ? T : never;

function toEvent(spec: Spec, seq: number): SequencedEvent {
  const deal = makeDeal({ id: `00000000-0000-4000-8000-00000000000${spec.deal}`, amount: spec.amount, stage: spec.from });
  switch (spec.kind) {
    case 'created':
      return liveEvent.created(seq, deal);
    case 'moved':
      return liveEvent.moved(seq, deal, spec.from, spec.to);
    case 'won':
      return liveEvent.won(seq, deal, spec.from);
    case 'lost':
      return liveEvent.lost(seq, deal, spec.from);
    case 'amount':
      return liveEvent.amountChanged(seq, deal, '1000.00');
    case 'hidden':
      return { seq, type: 'event.hidden', at: AT, payload: {} };
  }
}

/** A fresh board after the snapshot, and everything a screen would see of it. */
function board() {
  const store = useBoardStore(createPinia());
  store.applySnapshot(makeSnapshot());
  const notified: number[] = [];
  store.onEvent((event) => notified.push(event.seq));
  const actions: SyncAction[] = [];
  const seen = () => ({
    lastSeq: store.lastSeq,
    resyncing: store.resyncing,
    pipeline: store.pipeline.map((bar) => [bar.stage, bar.count, bar.amountMinor]),
    feed: store.feed.map((event) => event.seq),
    notified,
    actions: actions.filter((action) => action !== 'none'),
  });
  return { store, actions, seen };
}

/** Cuts `events` where `cuts` say: any window boundaries, also empty-free single-event frames. */
function frames<T>(events: T[], cuts: boolean[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  events.forEach((event, i) => {
    current.push(event);
    if (cuts[i] || i === events.length - 1) {
      out.push(current);
      current = [];
    }
  });
  return out;
}

describe('an `events` frame', () => {
  it('leaves the board exactly as the same events one by one, for any stream and any window boundaries', () => {
    fc.assert(
      fc.property(fc.array(eventSpec, { minLength: 1, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (specs, cuts) => {
        const events = specs.map((spec, i) => toEvent(spec, SNAPSHOT_SEQ + 1 + i));
        const single = board();
        for (const event of events) single.actions.push(single.store.receive(event));
        const framed = board();
        const sent = frames(events, cuts);
        for (const frame of sent) framed.actions.push(framed.store.receiveAll(frame));

        // The frames the server would send: the whole stream, in order, without a gap.
        expect(sent.flat().map((event) => event.seq)).toEqual(events.map((_, i) => SNAPSHOT_SEQ + 1 + i));
        expect(framed.seen()).toEqual(single.seen());
        expect(framed.store.lastSeq).toBe(SNAPSHOT_SEQ + events.length);
        expect(framed.store.resyncing).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('asks for the same resyncs as the events one by one, whatever gaps and repeats the stream has', () => {
    const seqs = fc.array(fc.integer({ min: SNAPSHOT_SEQ - 2, max: SNAPSHOT_SEQ + 30 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        seqs,
        fc.array(eventSpec, { minLength: 40, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (seqList, specs, cuts) => {
          const events = seqList.map((seq, i) => toEvent(specs[i], seq));
          const single = board();
          for (const event of events) single.actions.push(single.store.receive(event));
          const framed = board();
          for (const frame of frames(events, cuts)) framed.actions.push(framed.store.receiveAll(frame));
          expect(framed.seen()).toEqual(single.seen());
        },
      ),
      { numRuns: 300 },
    );
  });
});
