#!/usr/bin/env node
/**
 * `npm test`: builds, then runs every workspace's tests against one PostgreSQL: the server
 * DATABASE_URL names, or else an embedded one started here for the run. Prints one closing
 * line with the totals of all runners.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const results = await mkdtemp(join(tmpdir(), 'salesboard-results-'));
const only = process.argv.slice(2);

function run(command, args, options = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options, env: { ...process.env, ...options.env } });
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
}

async function readJson(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

const suites = [
  {
    name: 'shared (jest)',
    cwd: 'shared',
    command: ['npx', 'jest', '--json', `--outputFile=${join(results, 'shared.json')}`],
    env: { NODE_OPTIONS: '--experimental-vm-modules' },
    count: async () => jestCounts(await readJson(join(results, 'shared.json'))),
  },
  {
    name: 'server (jest)',
    cwd: 'server',
    command: ['npx', 'jest', '--json', `--outputFile=${join(results, 'server.json')}`],
    env: { NODE_OPTIONS: '--experimental-vm-modules' },
    count: async () => jestCounts(await readJson(join(results, 'server.json'))),
  },
  {
    name: 'client (vitest)',
    cwd: 'client',
    command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'client.json')}`],
    count: async () => jestCounts(await readJson(join(results, 'client.json'))),
  },
  {
    name: 'e2e (playwright, chromium)',
    cwd: 'e2e',
    command: ['npx', 'playwright', 'test'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(results, 'e2e.json') },
    count: async () => playwrightCounts(await readJson(join(results, 'e2e.json'))),
  },
].filter((s) => only.length === 0 || only.some((o) => s.cwd === o));

function jestCounts(report) {
  if (!report) return null;
  return { passed: report.numPassedTests, failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0), skipped: report.numPendingTests ?? 0 };
}

function playwrightCounts(report) {
  if (!report?.stats) return null;
  return { passed: report.stats.expected + (report.stats.flaky ?? 0), failed: report.stats.unexpected, skipped: report.stats.skipped };
}

if ((await run('npm', ['run', 'build'])) !== 0) {
  console.error('npm test: the build failed');
  process.exit(1);
}

let embedded = null;
if (!process.env.DATABASE_URL) {
  const { freePort, startEmbeddedPostgres } = await import(join(root, 'server/dist/database/embedded.js'));
  const dataDir = await mkdtemp(join(tmpdir(), 'salesboard-test-pg-'));
  embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  process.env.DATABASE_URL = embedded.url;
  console.log(`npm test: no DATABASE_URL, using an embedded PostgreSQL on port ${embedded.port}`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSuites = [];
try {
  for (const suite of suites) {
    console.log(`\n=== ${suite.name} ===`);
    const [command, ...args] = suite.command;
    const code = await run(command, args, { cwd: join(root, suite.cwd), env: suite.env ?? {} });
    const counts = await suite.count();
    if (counts) {
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.skipped += counts.skipped;
    }
    if (code !== 0 || !counts || counts.passed === 0) failedSuites.push(suite.name);
  }
} finally {
  await embedded?.stop();
  await rm(results, { recursive: true, force: true });
}

if (failedSuites.length) console.error(`\nnpm test: failed in ${failedSuites.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites.length ? 1 : 0);
