#!/usr/bin/env node
/**
 * Where a Chromium trace's time went, by thread and by event: `node bench/lib/trace-summary.mjs
 * trace.json [top]`. Sums complete events' own time (their duration less their children's on the
 * same thread), so nested events are not counted twice.
 */
import { readFileSync } from 'node:fs';

const [file, top = '12'] = process.argv.slice(2);
const trace = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(trace) ? trace : trace.traceEvents;
const threadNames = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);

const byThread = new Map();
for (const e of events) {
  if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
  const key = `${e.pid}:${e.tid}`;
  if (!byThread.has(key)) byThread.set(key, []);
  byThread.get(key).push(e);
}
let first = Infinity;
let last = -Infinity;
for (const e of events) {
  if (typeof e.ts !== 'number' || e.ts <= 0) continue;
  first = Math.min(first, e.ts);
  last = Math.max(last, e.ts);
}
const wallMs = (last - first) / 1000;
console.log(`trace: ${wallMs.toFixed(0)} ms`);

const rows = [];
for (const [key, list] of byThread) {
  list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let busy = 0;
  for (const e of list) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - Math.min(e.dur, parent.ts + parent.dur - e.ts));
    else busy += e.dur;
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
    stack.push(e);
  }
  rows.push({ thread: threadNames.get(key) ?? key, busy, self });
}
rows.sort((a, b) => b.busy - a.busy);
for (const { thread, busy, self } of rows.slice(0, 8)) {
  console.log(`\n${thread}: busy ${(busy / 1000).toFixed(0)} ms (${((100 * busy) / 1000 / wallMs).toFixed(1)} % of the trace)`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`  ${(us / 1000).toFixed(1).padStart(9)} ms  ${name}`);
}
