/** Runs `flush` once, soon: at the next animation frame in the real client, at once in tests. */
export type FrameScheduler = (flush: () => void) => void;

/**
 * Frames stop while a page is hidden (a dashboard in a background tab): the inbox is then
 * emptied on a timer instead, so what waits stays small and the page is current when shown.
 */
const HIDDEN_PAGE_FLUSH_MS = 250;

/** The next animation frame, or a timer when frames do not come (a hidden page). */
export const nextFrame: FrameScheduler = (flush) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    flush();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, HIDDEN_PAGE_FLUSH_MS);
};

export interface FrameInbox {
  /** Queues one message's work; the first one in a frame schedules the flush. */
  push(apply: () => void): void;
  /** Applies what waits now, in arrival order: before a message that must not overtake it. */
  flush(): void;
  /** Drops what waits (the socket it came from is closed). */
  clear(): void;
}

/**
 * Messages from the server, applied together once per frame in the order they came. An update
 * reaches a screen as several messages (the logged event, then a `figures` frame per scope), each
 * in a task of its own: applied one by one, every one of them costs a render of its own; applied
 * together, the screen renders once for all of them, just before it paints.
 */
export function createFrameInbox(schedule: FrameScheduler): FrameInbox {
  let waiting: (() => void)[] = [];
  /** Bumped by every flush, so a scheduled flush that an early one already served does nothing. */
  let generation = 0;
  let scheduled = false;

  function flush(): void {
    generation += 1;
    scheduled = false;
    const batch = waiting;
    waiting = [];
    for (const apply of batch) {
      try {
        apply();
      } catch (error) {
        // One bad message must not cost the others their turn.
        console.error('Salesboard: applying a live message failed', error);
      }
    }
  }

  function push(apply: () => void): void {
    waiting.push(apply);
    if (scheduled) return;
    scheduled = true;
    const mine = generation;
    schedule(() => {
      if (generation === mine) flush();
    });
  }

  function clear(): void {
    generation += 1;
    scheduled = false;
    waiting = [];
  }

  return { push, flush, clear };
}
