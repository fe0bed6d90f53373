#!/usr/bin/env node
/**
 * Prints bench/results/latest.json (or the file given) as the Markdown that BENCHMARKS.md
 * records: run facts, the table, and the cores each process group used per phase.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuLines, tailLines, markdownTable, rows } from './lib/report.mjs';

const file = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
const r = JSON.parse(readFileSync(file, 'utf8'));
const m = r.machine;
const scenarios = ['memory', 'latency', 'fanout', 'clients', 'ingest', 'reconnect', 'bundle', 'frames', 'aggregates', 'floor', 'bulk'];

console.log(`- date: ${r.date} (${r.quick ? 'quick' : 'full'} run, ${r.totalSec} s)`);
console.log(
  `- machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; load average ${m.loadAvgAtStart.join(' / ')} at start, ${m.loadAvgAtEnd?.join(' / ')} at end`,
);
console.log(`- commit: ${r.commit}${r.workingTreeDirty ? ' (working tree had uncommitted changes)' : ''}; server/dist built ${r.serverBuiltAt}`);
console.log(
  `- PostgreSQL: ${r.postgres.version.split(' on ')[0]}, synchronous_commit=${r.postgres.synchronous_commit}, fsync=${r.postgres.fsync}, shared_buffers=${r.postgres.shared_buffers}`,
);
console.log('');
console.log(markdownTable(rows(r)));
console.log('');
console.log('Cores used during each measured phase (averages; `others` is everything on the machine that is not ours):');
console.log('');
for (const line of cpuLines(r, scenarios)) console.log(`- ${line}`);
for (const line of tailLines(r)) console.log(`- ${line}`);
