import fc from 'fast-check';
import type { LoggedEvent } from '@salesboard/shared';
import { CommitOrder } from './commit-order.js';

const event = (seq: number) => ({ seq, type: 'deal.stageChanged', at: new Date(seq).toISOString(), payload: {} }) as unknown as LoggedEvent;

/**
 * A run of commits as the database orders them: each seq belongs to a local write (of one or
 * more seqs) or to another node. Local answers reach JavaScript in a random order; notifications
 * of every commit arrive in commit order, interleaved at random with the answers.
 */
const runs = fc.array(fc.record({ local: fc.boolean(), size: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 25 }).chain((writes) =>
  fc.record({
    writes: fc.constant(writes),
    // The order in which things reach this node: a local write's answer, or the next notification.
    order: fc.shuffledSubarray([...writes.map((_, i) => ({ kind: 'answer' as const, i })), ...writes.map((_, i) => ({ kind: 'notify' as const, i }))], {
      minLength: writes.length * 2,
    }),
    start: fc.integer({ min: 0, max: 1000 }),
  }),
);

describe('CommitOrder', () => {
  it('delivers every seq once and in order, reads the log only for other nodes’ seqs, whatever order the answers come in', () => {
    fc.assert(
      fc.property(runs, ({ writes, order, start }) => {
        // Seqs by commit order; writes begin in commit order too (a write begun later may still commit first: see below).
        let next = start;
        const seqs = writes.map((w) => Array.from({ length: w.size }, () => ++next));
        const last = next;
        const buffer = new CommitOrder(start);
        const delivered: number[] = [];
        const readFromLog: number[] = [];
        const foreign = new Set(writes.flatMap((w, i) => (w.local ? [] : seqs[i])));
        const settle = () => {
          for (let gap = buffer.gap(); gap; gap = buffer.gap()) {
            const rows: LoggedEvent[] = [];
            for (let seq = gap.after + 1; seq <= gap.upTo; seq++) rows.push(event(seq));
            readFromLog.push(...rows.map((e) => e.seq));
            delivered.push(...buffer.read(rows).map((e) => e.seq));
          }
        };
        writes.forEach((w, i) => w.local && buffer.writing(i));
        // Notifications arrive in commit order, whenever the shuffle puts them.
        let notified = 0;
        for (const step of order) {
          if (step.kind === 'answer') {
            if (!writes[step.i].local) continue;
            delivered.push(...buffer.committed(step.i, seqs[step.i].map(event)).map((e) => e.seq));
          } else {
            const w = notified++;
            buffer.committedUpTo(seqs[w][seqs[w].length - 1]);
          }
          settle();
        }
        expect(delivered).toEqual(Array.from({ length: last - start }, (_, k) => start + k + 1));
        expect(buffer.head).toBe(last);
        // Never its own events back: every seq read from the log is another node's.
        for (const seq of readFromLog) expect(foreign.has(seq)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('waits for the writes under way when a gap is seen, not for writes begun after it', () => {
    const buffer = new CommitOrder(10);
    buffer.writing(1);
    buffer.writing(3);
    expect(buffer.committed(1, [event(12)])).toEqual([]);
    expect(buffer.gap()).toBeNull(); // write 3 may hold seq 11
    buffer.writing(2); // begun after seq 12 committed, so after seq 11 did: it cannot hold it
    expect(buffer.committed(3, [])).toEqual([]);
    expect(buffer.gap()).toEqual({ after: 10, upTo: 11 });
  });

  it('holds a gap while a write under way since it was seen may still fill it', () => {
    const buffer = new CommitOrder(10);
    buffer.writing(1);
    buffer.writing(2);
    expect(buffer.committed(2, [event(12)])).toEqual([]);
    expect(buffer.gap()).toBeNull();
    expect(buffer.committed(1, [event(11)]).map((e) => e.seq)).toEqual([11, 12]);
    expect(buffer.gap()).toBeNull();
  });

  it('reads a gap once a write under way rolls back without filling it', () => {
    const buffer = new CommitOrder(0);
    buffer.writing(1);
    buffer.committedUpTo(3);
    expect(buffer.gap()).toBeNull();
    expect(buffer.committed(1, [])).toEqual([]);
    expect(buffer.gap()).toEqual({ after: 0, upTo: 3 });
  });

  it('drops what it has delivered already', () => {
    const buffer = new CommitOrder(0);
    expect(buffer.read([event(1), event(2)]).map((e) => e.seq)).toEqual([1, 2]);
    buffer.writing(1);
    expect(buffer.committed(1, [event(2)])).toEqual([]);
    expect(buffer.head).toBe(2);
  });
});
