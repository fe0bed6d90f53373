/**
 * The results as one table: each figure next to its reference, the ratio and the target from
 * the issue. The same rows print to the terminal and go into BENCHMARKS.md.
 */
import { ratio } from './stats.mjs';

const fmt = (v, unit = '') =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}${unit}` : String(v);

function verdict(ok) {
  return ok === null ? '' : ok ? 'met' : 'MISSED';
}

export function rows(r) {
  const out = [];
  const add = (scenario, figure, value, ref, target = '', ok = null, unit = '') =>
    out.push({ scenario, figure, value: fmt(value, unit), ref: fmt(ref, unit), ratio: fmt(ratio(value, ref)), target, verdict: verdict(ok) });
  const ok = (test, ...values) => (values.some((v) => v === null || v === undefined) ? null : test());
  const l = r.latency ?? {};
  add(
    'latency',
    'p50 ms (all clients)',
    l.p50Ms,
    l.refP50Ms,
    '≤ 1.2× ref',
    ok(() => l.p50Ms <= 1.2 * l.refP50Ms, l.p50Ms, l.refP50Ms),
  );
  add(
    'latency',
    'p99 ms (all clients)',
    l.p99Ms,
    l.refP99Ms,
    '≤ 1.5× ref',
    ok(() => l.p99Ms <= 1.5 * l.refP99Ms, l.p99Ms, l.refP99Ms),
  );
  add('latency', 'max ms', l.maxMs, null);
  add('latency', 'p50 ms vs socket.io w/o DB', l.p50Ms, l.refNoDbP50Ms);
  const f = r.fanout ?? {};
  add('fanout', 'deliveries/s at saturation', f.deliveriesPerSec, f.refDeliveriesPerSec);
  add('fanout', 'event-loop p99 ms at 70%', f.eventLoopP99Ms, f.refEventLoopP99Ms);
  const c = r.clients ?? {};
  add(
    'clients',
    'max clients, p99 ≤ 250 ms',
    c.maxClients,
    c.refMaxClients,
    '≥ 5,000',
    ok(() => c.maxClients >= 5000, c.maxClients),
  );
  const m = r.memory ?? {};
  add('memory', 'heap bytes/conn (after GC)', m.heapBytesPerConn, m.refHeapBytesPerConn);
  add('memory', 'RSS bytes/conn', m.rssBytesPerConn, m.refRssBytesPerConn);
  const i = r.ingest ?? {};
  add('ingest', 'changes/s, durable, 32 in flight', i.eventsPerSec, i.refTps);
  // Reference: plain pg's own p99 at 70 % of its own rate, open-loop, on the same machine.
  add('ingest', 'HTTP p99 ms at 70%', i.httpP99Ms, i.refP99MsAt70 ?? null);
  const bk = r.bulk ?? {};
  add(
    'bulk',
    `CSV import rows/s (${fmt(bk.rows)} rows)`,
    bk.bulkRowsPerSec,
    null,
    '≥ 10,000',
    ok(() => bk.bulkRowsPerSec >= 10_000, bk.bulkRowsPerSec),
  );
  add('bulk', 'peak server RSS MB during import', bk.peakRssMb, null);
  add('bulk', `CSV import rows/s, a quarter in USD (${fmt(bk.mixed?.rows)} rows)`, bk.mixed?.rowsPerSec, null);
  const rc = r.reconnect ?? {};
  add(
    'reconnect',
    `all resynced s (${fmt(rc.clients)} clients)`,
    rc.allResyncedSec,
    null,
    '≤ 10 s',
    ok(() => rc.allResyncedSec <= 10, rc.allResyncedSec),
  );
  const b = r.bundle ?? {};
  add('bundle', '/tv JS+CSS gzip bytes', b.tvGzipBytes, null);
  add('bundle', 'ECharts share of JS', b.echartsShare, null);
  const fr = r.frames ?? {};
  add('frames', 'p95 script ms per update', fr.p95ScriptMs, null);
  // Reference: the same page with nothing changing, just before (its clock and scenes only).
  add('frames', 'long tasks', fr.longTasks, fr.idle?.longTasks ?? null);
  add('frames', 'dropped frames %', fr.droppedPct, fr.idle?.frame.droppedPct ?? null);
  add('frames', 'long tasks, the board alone (no wins)', fr.boardAlone?.longTasks, null);
  add('frames', 'dropped frames %, the board alone (no wins)', fr.boardAlone?.frame.droppedPct, null);
  add('frames', 'long tasks, motion reduced', fr.reducedMotion?.longTasks, null);
  add('frames', 'dropped frames %, motion reduced', fr.reducedMotion?.frame.droppedPct, null);
  // The compositor's own count (frames the screen did not show), in the same phases, and with no
  // requestAnimationFrame loop in the page asking for a main-thread frame at every refresh.
  add('frames', 'compositor: dropped frames %', fr.compositor?.droppedPct, null);
  add('frames', 'compositor: dropped frames %, the board alone', fr.boardAlone?.compositor?.droppedPct, null);
  add('frames', 'compositor: dropped frames %, no frame loop in the page', fr.withoutFrameLoop?.compositor?.droppedPct, null);
  add('aggregates', 'KPI aggregates', r.aggregates?.result ?? null, null);
  const fl = r.floor ?? {};
  const screens = Object.keys(fl.cpuMsPerEvent ?? {});
  for (const n of screens) {
    const label = Number(n).toLocaleString('en-US');
    const last = n === screens.at(-1);
    add(
      'floor',
      `server CPU ms per event (${label} screens)`,
      fl.cpuMsPerEvent[n],
      null,
      last ? `< 2× ${screens[0]} screens` : fl.saturated?.includes(Number(n)) ? 'saturated' : '',
      last ? ok(() => fl.cpuGrowth < 2, fl.cpuGrowth) : null,
    );
  }
  for (const n of screens) {
    const value = fl.restPerScreenMinute?.[n];
    add(
      'floor',
      `REST per screen-minute (${Number(n).toLocaleString('en-US')} screens)`,
      value,
      null,
      '0',
      ok(() => value === 0, value),
    );
  }
  return out;
}

const COLUMNS = [
  ['scenario', 'scenario'],
  ['figure', 'figure'],
  ['value', 'salesboard'],
  ['ref', 'reference'],
  ['ratio', 'ratio'],
  ['target', 'target'],
  ['verdict', 'verdict'],
];

export function textTable(list) {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...list.map((row) => row[key].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map(([, title]) => title)), line(widths.map((w) => '-'.repeat(w))), ...list.map((row) => line(COLUMNS.map(([key]) => row[key])))].join(
    '\n',
  );
}

export function markdownTable(list) {
  const head = `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`;
  const rule = `| ${COLUMNS.map(() => '---').join(' | ')} |`;
  return [head, rule, ...list.map((row) => `| ${COLUMNS.map(([key]) => row[key]).join(' | ')} |`)].join('\n');
}

/** Cores each group used while a scenario's measured phase ran, one line per phase. */
export function cpuLines(r, scenarios) {
  const lines = [];
  for (const name of scenarios) {
    const cpu = r[name]?.cpu;
    if (!cpu) continue;
    for (const [phase, groups] of Object.entries(cpu)) {
      if (!groups) continue;
      const parts = Object.entries(groups)
        .filter(([key]) => key !== 'wallSec' && key !== 'cores')
        .map(([key, value]) => `${key} ${value}`);
      // Over 0.3 cores of someone else's work on 2 cores: read that phase's figures with care.
      const busy = groups.others > 0.3 ? '  [machine busy]' : '';
      lines.push(`${name}/${phase} (${groups.wallSec} s): ${parts.join(', ')}${busy}`);
    }
  }
  return lines;
}

/**
 * The ingest tail at 70 %, server and plain pg: how many answers were over 20 ms and in how many
 * stalls. A p99 made of one stall reads differently from one spread over the whole run.
 */
export function tailLines(r) {
  const at70 = r.ingest?.detail?.at70;
  const ref = r.ingest?.detail?.referenceAt70;
  if (!at70?.stalls || !ref?.stalls) return [];
  const line = (who, sent, { overMs, slowAnswers, stalls, largest }) => {
    const top = largest[0];
    const biggest = top ? `; the largest: ${top.answers} answers sent over ${top.spanMs} ms, the slowest ${top.maxMs} ms` : '';
    return `ingest at 70 %, ${who}: ${slowAnswers.toLocaleString('en-US')} of ${sent.toLocaleString('en-US')} answers over ${overMs} ms, in ${stalls} stall${stalls === 1 ? '' : 's'}${biggest}`;
  };
  return [line('server', at70.sent, at70.stalls), line('plain pg', ref.sent, ref.stalls)];
}
