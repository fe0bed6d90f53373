/**
 * Tests that move the clock fake only Date: the server under test keeps real timers, so its
 * coalescing, polling and socket pings run as usual while "now" is wherever the test puts it.
 */
export const REAL_TIMERS = [
  'nextTick',
  'setImmediate',
  'clearImmediate',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'queueMicrotask',
  'hrtime',
  'performance',
] as const;
