import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFrameInbox, nextFrame } from './frame-inbox';

/** A scheduler a test drives: `frame()` is the browser's next animation frame. */
function manualFrames() {
  let due: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void due.push(flush),
    scheduled: () => due.length,
    frame() {
      const now = due;
      due = [];
      for (const flush of now) flush();
    },
  };
}

describe('frame inbox', () => {
  afterEach(() => vi.useRealTimers());

  it('applies the messages of a frame together at the frame, in the order they came, with one flush scheduled', () => {
    const frames = manualFrames();
    const inbox = createFrameInbox(frames.schedule);
    const applied: string[] = [];
    inbox.push(() => applied.push('event 11'));
    inbox.push(() => applied.push('figures'));
    inbox.push(() => applied.push('event 12'));
    expect(applied).toEqual([]);
    expect(frames.scheduled()).toBe(1);
    frames.frame();
    expect(applied).toEqual(['event 11', 'figures', 'event 12']);
    inbox.push(() => applied.push('head'));
    frames.frame();
    expect(applied).toEqual(['event 11', 'figures', 'event 12', 'head']);
  });

  it('applies what waits at once when asked, and the frame scheduled for it then applies nothing twice', () => {
    const frames = manualFrames();
    const inbox = createFrameInbox(frames.schedule);
    const applied: number[] = [];
    inbox.push(() => applied.push(1));
    inbox.flush();
    expect(applied).toEqual([1]);
    expect(frames.scheduled()).toBe(1); // the frame's flush, already served
    frames.frame();
    expect(applied).toEqual([1]);
    inbox.push(() => applied.push(2));
    expect(frames.scheduled()).toBe(1);
    frames.frame();
    expect(applied).toEqual([1, 2]);
  });

  it('drops what waits when cleared', () => {
    const frames = manualFrames();
    const inbox = createFrameInbox(frames.schedule);
    const applied: number[] = [];
    inbox.push(() => applied.push(1));
    inbox.clear();
    frames.frame();
    expect(applied).toEqual([]);
  });

  it('a message that fails does not keep the ones after it from being applied', () => {
    const frames = manualFrames();
    const inbox = createFrameInbox(frames.schedule);
    const applied: number[] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    inbox.push(() => {
      throw new Error('bad message');
    });
    inbox.push(() => applied.push(2));
    frames.frame();
    expect(applied).toEqual([2]);
    expect(quiet).toHaveBeenCalledOnce();
    quiet.mockRestore();
  });

  it('applies every message exactly once and in arrival order, however pushes, flushes and frames interleave', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('push', 'flush', 'frame'), { maxLength: 60 }), (steps) => {
        const frames = manualFrames();
        const inbox = createFrameInbox(frames.schedule);
        const applied: number[] = [];
        let pushed = 0;
        for (const step of steps) {
          if (step === 'push') {
            const n = pushed++;
            inbox.push(() => applied.push(n));
          } else if (step === 'flush') inbox.flush();
          else frames.frame();
        }
        frames.frame();
        expect(applied).toEqual([...Array(pushed).keys()]);
      }),
    );
  });

  it('the next frame falls back to a timer while frames do not come (a hidden page), and runs once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const flush = vi.fn();
    nextFrame(flush);
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(16);
    expect(flush).toHaveBeenCalledOnce(); // the frame
    vi.advanceTimersByTime(1_000);
    expect(flush).toHaveBeenCalledOnce(); // not the timer as well
  });
});
