/**
 * CPU time of process groups (server, reference, swarm, PostgreSQL, Chromium) read from
 * /proc/<pid>/stat, so every group is measured the same way whether or not it cooperates.
 * Everything here shares the same cores: the shares say who was using them during a phase.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { nowMs } from './clock.mjs';
import { round } from './stats.mjs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export const CORES = availableParallelism();

/** [ppid, comm, cpu seconds] of a pid, or null once it is gone. */
function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: split after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) ... utime(11) stime(12)
    return { ppid: Number(fields[1]), comm, seconds: (Number(fields[11]) + Number(fields[12])) / CLK_TCK };
  } catch {
    return null;
  }
}

function allPids() {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Every PostgreSQL process on the machine: the server is shared, so is its CPU. */
export function postgresPids() {
  return allPids().filter((pid) => readStat(pid)?.comm === 'postgres');
}

/** The processes under `root` whose name matches: Chromium's browser, renderer, GPU and utility processes. */
export function descendantsNamed(root, pattern) {
  return processTree(root).filter((pid) => pid !== root && pattern.test(readStat(pid)?.comm ?? ''));
}

/** A process and all its descendants. */
export function processTree(root) {
  const children = new Map();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(pid);
  }
  const tree = [];
  const queue = [root];
  while (queue.length && tree.length < 1000) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Busy CPU seconds of the whole machine so far (every core, every process). */
function machineSeconds() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

function groupSeconds(pids, seen) {
  let total = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    seen.set(pid, stat.seconds);
    total += stat.seconds;
  }
  return total;
}

/** CPU seconds the given processes have used so far, unrounded (for a cost per event). */
export function cpuSeconds(pids) {
  return groupSeconds(pids, new Map());
}

/**
 * Starts measuring groups given as name → () => pids. Pids are re-resolved at the end so
 * processes born during the phase (PostgreSQL backends, renderers) count from zero; processes
 * that exit during the phase are lost, which undercounts short-lived ones a little.
 * `stop()` returns, per group, the cores used on average (CPU seconds ÷ wall seconds).
 */
export function cpuMeter(groups) {
  const startedAt = nowMs();
  const machineAt = machineSeconds();
  const start = new Map();
  for (const [name, pids] of Object.entries(groups)) {
    const seen = new Map();
    groupSeconds(pids(), seen);
    start.set(name, seen);
  }
  return {
    stop() {
      const wallSec = (nowMs() - startedAt) / 1000;
      const result = { wallSec: round(wallSec, 1), cores: CORES };
      for (const [name, pids] of Object.entries(groups)) {
        const before = start.get(name);
        let used = 0;
        for (const pid of pids()) {
          const stat = readStat(pid);
          if (stat) used += stat.seconds - (before.get(pid) ?? 0);
        }
        result[name] = round(used / wallSec, 2);
      }
      // Whatever else ran on the machine meanwhile (other people's builds and tests): a phase
      // with a large `others` figure was measured on fewer free cores than it seems.
      const machine = (machineSeconds() - machineAt) / wallSec;
      const ours = Object.keys(groups).reduce((n, name) => n + (result[name] ?? 0), 0);
      result.others = round(Math.max(0, machine - ours), 2);
      return result;
    },
  };
}

/**
 * Waits until processes outside `ours` use less than `threshold` cores over a 1 s window, at
 * most `maxWaitSec`; returns what the last window saw. Measurements started while someone else
 * compiles on the same 2 cores say more about them than about the server.
 */
export async function awaitQuiet(ours, { threshold = 0.3, maxWaitSec = 30 } = {}) {
  if (maxWaitSec <= 0) return null;
  const deadline = nowMs() + maxWaitSec * 1000;
  let others = null;
  for (let i = 0; i < maxWaitSec + 1; i++) {
    const meter = cpuMeter(ours);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    others = meter.stop().others;
    if (others < threshold || nowMs() >= deadline) break;
  }
  return others;
}

/** Several phases' core usage as one, weighted by how long each phase ran. */
export function mergeCpu(list) {
  const phases = list.filter(Boolean);
  if (phases.length <= 1) return phases[0] ?? null;
  const wall = phases.reduce((n, p) => n + p.wallSec, 0);
  const merged = { wallSec: round(wall, 1), cores: phases[0].cores };
  for (const key of Object.keys(phases[0])) {
    if (key === 'wallSec' || key === 'cores') continue;
    merged[key] = round(phases.reduce((n, p) => n + (p[key] ?? 0) * p.wallSec, 0) / wall, 2);
  }
  return merged;
}
