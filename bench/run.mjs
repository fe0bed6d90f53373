#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --only=latency,fanout]`: drives the real built server
 * (server/dist/main.js, a fresh database, simulator off, demo data on) and, in the same run,
 * the reference servers; prints a table and writes bench/results/latest.json.
 * Everything it starts (server, reference, swarm, Chromium, databases) is ended on the way
 * out, also after a failure or Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { FULL, MIN_OPEN_DEALS, QUICK } from './config.mjs';
import { closeBrowser } from './lib/browser.mjs';
import { endAll } from './lib/children.mjs';
import { nowMs } from './lib/clock.mjs';
import { awaitQuiet, CORES, cpuMeter, descendantsNamed, postgresPids } from './lib/cpu.mjs';
import { connect, createDatabase, dropAll, serverFacts } from './lib/database.mjs';
import { changePlan, clonePlanInput, loadDeals, stagePayload } from './lib/deals.mjs';
import { freePort } from './lib/launch.mjs';
import { referenceServer } from './lib/reference.mjs';
import { cpuLines, tailLines, rows, textTable } from './lib/report.mjs';
import { assertBuilt, SERVER_MAIN, salesboardServer } from './lib/salesboard.mjs';
import { startSwarm } from './lib/swarm.mjs';
import { aggregates } from './scenarios/aggregates.mjs';
import { bulk } from './scenarios/bulk.mjs';
import { bundle } from './scenarios/bundle.mjs';
import { clients } from './scenarios/clients.mjs';
import { fanout } from './scenarios/fanout.mjs';
import { floor } from './scenarios/floor.mjs';
import { frames } from './scenarios/frames.mjs';
import { ingest } from './scenarios/ingest.mjs';
import { latency } from './scenarios/latency.mjs';
import { memory } from './scenarios/memory.mjs';
import { reconnect } from './scenarios/reconnect.mjs';

/**
 * In this order: memory first, while both processes are fresh, so RSS grows from a low-water
 * mark instead of shrinking into memory an earlier scenario left allocated; reconnect restarts
 * the server, so it comes after the steady-state ones; floor before bulk, whose 100,000 imported
 * deals would swell the won-deal lists its dashboards fetch; bulk last, as it leaves them behind.
 */
const SCENARIOS = { memory, latency, fanout, clients, ingest, reconnect, bundle, frames, aggregates, floor, bulk };
const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
/** CPU-profiles the measured phases (inspector, in-process); it costs the server some speed, so profile runs are for reading, not for the record. */
const profile = argv.includes('--profile');
const only =
  argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') ?? null;
const unknown = only?.filter((name) => !(name in SCENARIOS)) ?? [];
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const sizes = quick ? QUICK : FULL;

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function withTimeout(promise, seconds, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const resources = { server: null, ref: null, swarm: null, pools: [] };

let quietSpentSec = 0;
/** awaitQuiet within what is left of the run's budget for waiting. */
async function quietly(groups, maxWaitSec) {
  const allowed = Math.min(maxWaitSec, sizes.quietBudgetSec - quietSpentSec);
  const startedAt = nowMs();
  const others = await awaitQuiet(groups, { maxWaitSec: allowed });
  quietSpentSec += (nowMs() - startedAt) / 1000;
  return others;
}

async function cleanup() {
  await closeBrowser();
  await resources.swarm?.stop().catch(() => undefined);
  await resources.ref?.stop(3000).catch(() => undefined);
  await resources.server?.stop().catch(() => undefined);
  await endAll();
  for (const pool of resources.pools) await pool.end().catch(() => undefined);
  await dropAll();
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  assertBuilt();
  const startedAt = nowMs();
  const results = {
    quick,
    profiled: profile,
    date: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD'),
    workingTreeDirty: Boolean(git('status', '--porcelain')),
    serverBuiltAt: statSync(SERVER_MAIN).mtime.toISOString(),
    machine: {
      nproc: CORES,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      loadAvgAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    postgres: await serverFacts(),
    sizes,
    sharing: `server, reference, ${sizes.swarmWorkers} swarm workers, the driver, PostgreSQL and Chromium all share the same ${CORES} cores; each scenario's cpu block says how many cores each used`,
  };

  log(`${quick ? 'quick' : 'full'} run on ${CORES} cores, node ${process.version}`);
  const serverDb = await createDatabase();
  const server = (resources.server = salesboardServer({ databaseUrl: serverDb.url, port: await freePort() }));
  log('seeding: first start migrates and loads the demo organisation');
  await server.start();
  await server.stop();
  // The reference writes a clone of the seeded database: same schema, indexes and rows.
  const refDbInfo = await createDatabase(serverDb);
  const bootMs = await server.start();
  log(`server up in ${Math.round(bootMs)} ms (pid ${server.pid})`);
  const ref = (resources.ref = await referenceServer({ databaseUrl: refDbInfo.url }));
  const swarm = (resources.swarm = startSwarm(sizes.swarmWorkers));
  const serverPool = connect(serverDb.url, 2);
  const refPool = connect(refDbInfo.url, 4);
  resources.pools.push(serverPool, refPool);

  await server.signIn();
  const deals = await loadDeals(server.http, MIN_OPEN_DEALS);
  const groups = {
    server: () => (server.pid ? [server.pid] : []),
    reference: () => [ref.pid],
    swarm: () => swarm.pids(),
    postgres: postgresPids,
    driver: () => [process.pid],
    // Playwright starts Chromium as a child of this process; its comm is "chromium" or "chrome".
    browser: () => descendantsNamed(process.pid, /^chrom/),
  };
  const meterGroups = {
    server: ['server', 'swarm', 'postgres', 'driver'],
    reference: ['reference', 'swarm', 'postgres', 'driver'],
    browser: ['server', 'browser', 'postgres', 'driver'],
  };
  const ctx = {
    quick,
    sizes,
    log,
    server,
    ref,
    swarm,
    serverDb: serverPool,
    serverDbName: serverDb.name,
    refDb: refPool,
    refDbName: refDbInfo.name,
    serverPlan: changePlan(deals),
    refPlan: changePlan(clonePlanInput(deals)),
    payloads: deals.deals.slice(0, 200).map((d) => stagePayload(d, d.stage, deals.open[(deals.open.indexOf(d.stage) + 1) % deals.open.length])),
    meter: (target) => cpuMeter(Object.fromEntries(meterGroups[target].map((name) => [name, groups[name]]))),
    /** Before a measured phase: give other people's builds a moment to leave the cores. */
    quiet: () => quietly(groups, sizes.phaseQuietWaitSec),
    profiles: {},
    /** Whether this run profiles (scenarios that profile other processes, a browser page, ask this). */
    profile,
    async profiled(label, measured, work) {
      if (!profile) return work();
      await measured.probe('profile-start');
      try {
        return await work();
      } finally {
        ctx.profiles[label] = await measured.probe('profile-stop').catch((error) => ({ error: error.message }));
      }
    },
  };
  log(`${deals.deals.length} open deals to move; reference on ${ref.baseUrl}, server on ${server.baseUrl}`);

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    const t = nowMs();
    const othersBefore = await quietly(groups, sizes.quietWaitSec);
    const waited =
      othersBefore === null
        ? 'no wait: quiet budget spent'
        : `others used ${othersBefore} cores after ${((nowMs() - t) / 1000).toFixed(0)} s of waiting for quiet`;
    log(`${name}… (${waited})`);
    try {
      await server.signIn();
      results[name] = await withTimeout(scenario(ctx), sizes[name]?.timeoutSec ?? sizes.scenarioTimeoutSec, name);
      results[name].othersCoresBefore = othersBefore;
    } catch (error) {
      results[name] = { error: error instanceof Error ? error.message : String(error) };
      log(`${name} failed: ${results[name].error}`);
    }
    // Whatever the scenario left behind, the next one starts from no clients and a live server.
    await swarm.reconnect(false).catch(() => undefined);
    await swarm.closeAll().catch(() => undefined);
    if (!server.running) {
      // A server that no longer starts (someone rebuilt server/dist mid-run, say) ends the
      // measuring, not the report: what was measured so far is still written.
      const restarted = await server.start().then(
        () => true,
        (error) => {
          results.aborted = `after ${name}, the server did not start again: ${error.message.split('\n').slice(0, 6).join(' ')}`;
          return false;
        },
      );
      if (!restarted) break;
    }
    log(`${name} done in ${((nowMs() - t) / 1000).toFixed(1)} s`);
  }
  const builtAt = statSync(SERVER_MAIN).mtime.toISOString();
  if (builtAt !== results.serverBuiltAt) results.serverRebuiltDuringRun = builtAt;
  results.totalSec = Math.round((nowMs() - startedAt) / 1000);
  results.waitedForQuietSec = Math.round(quietSpentSec);
  if (profile) results.profiles = ctx.profiles;
  results.machine.loadAvgAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);

  const ran = Object.keys(SCENARIOS).filter((name) => !only || only.includes(name));
  console.log(`\nSalesboard benchmark (${quick ? 'quick' : 'full'}), ${results.date}, ${CORES} cores, ${results.totalSec} s\n`);
  console.log(textTable(rows(results)));
  console.log('\ncores used during each measured phase (all processes share the machine):');
  for (const line of cpuLines(results, ran)) console.log(`  ${line}`);
  for (const line of tailLines(results)) console.log(`  ${line}`);
  for (const name of ran) if (results[name]?.error) console.log(`\n${name}: ERROR ${results[name].error}`);
  if (results.aborted) console.log(`\nABORTED ${results.aborted}`);
  if (results.serverRebuiltDuringRun)
    console.log(`\nWARNING: server/dist was rebuilt during the run (at ${results.serverRebuiltDuringRun}); figures may mix two builds`);
  // A profiled run is slower by design: it must not overwrite the record.
  const file = profile ? RESULTS.replace(/latest\.json$/, 'profile.json') : RESULTS;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  return results;
}

let exitCode = 0;
try {
  const results = await main();
  if (results.aborted) exitCode = 1;
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
