/**
 * bulk: one CSV import of generated deals in a HubSpot export's shape (100,000 rows in the full
 * run), streamed up as a browser's multipart upload and followed by polling the job as the admin
 * UI does. Reports rows/s from the first byte sent to the job's end, and the server's peak RSS
 * while it ran (sampled every 100 ms from /proc). Then a smaller file with a Currency column, a
 * quarter of its rows in USD: each of those is checked against the exchange rates before it is
 * written, which an all-IDR file never asks. Runs last: it leaves its deals behind.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { nowMs, sleep } from '../lib/clock.mjs';
import { round } from '../lib/stats.mjs';

const TARGET_ROWS_PER_SEC = 10_000;
const STAGES = [
  'Appointment Scheduled',
  'Qualified To Buy',
  'Presentation Scheduled',
  'Decision Maker Bought-In',
  'Contract Sent',
  'Closed Won',
  'Closed Lost',
];

/** The day the bench's USD rate starts on: before every date the files hold. */
const USD_RATE_FROM = '2024-01-01';

/** HubSpot's export; with `usdEvery`, a Currency column where every usdEvery-th row is in USD. */
async function writeExport(path, rows, owners, { prefix = 'bulk', usdEvery = 0 } = {}) {
  const out = createWriteStream(path);
  const currency = usdEvery > 0;
  out.write(`\uFEFFRecord ID,Deal Name,Deal Stage,Amount,${currency ? 'Currency,' : ''}Close Date,Deal owner,Associated Company,Create Date\r\n`);
  for (let i = 0; i < rows; i++) {
    const stage = STAGES[i % STAGES.length];
    const closed = stage.startsWith('Closed');
    const day = String((i % 28) + 1).padStart(2, '0');
    const closeDate = closed ? `2025-0${(i % 9) + 1}-${day}` : i % 3 === 0 ? '' : `2027-01-${day}`;
    const amount = stage === 'Closed Lost' ? '0' : String(1_000_000 + i * 37);
    const code = !currency ? '' : i % usdEvery === 0 ? 'USD,' : 'IDR,';
    const line = `${prefix}-${i + 1},"Bulk deal ${i + 1}, batch ${i % 500}",${stage},${amount},${code}${closeDate},${owners[i % owners.length]},PT Bulk ${i % 2000},2025-01-${day}\r\n`;
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end();
  await finished(out);
}

function rssBytes(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) * 1024 : null;
  } catch {
    return null;
  }
}

/** The multipart body as a browser sends it: the small fields first, then the file, streamed from disk. */
function upload(baseUrl, token, jobId, path) {
  const boundary = `bench-${randomUUID()}`;
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = http.request(
      {
        hostname,
        port,
        method: 'POST',
        path: '/api/import/deals',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
        timeout: 600_000,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: String(error) }));
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="jobId"\r\n\r\n${jobId}\r\n`);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hubspot-bulk.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const file = createReadStream(path);
    file.pipe(req, { end: false });
    file.on('end', () => req.end(`\r\n--${boundary}--\r\n`));
  });
}

/** One upload, timed to its answer, followed as the admin UI follows it; the server's peak RSS and CPU meanwhile. */
async function timedImport(ctx, label, token, path) {
  const { server } = ctx;
  await ctx.quiet();
  const baselineRss = rssBytes(server.pid);
  let peakRss = baselineRss ?? 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(server.pid) ?? 0)), 100);
  const meter = ctx.meter('server');
  const jobId = randomUUID();
  const { seconds, job, polls, answer } = await ctx.profiled(label, server, async () => {
    const startedAt = nowMs();
    // The upload is answered when the import has ended: the time is taken there, not at the
    // next poll, which came up to 250 ms later (2 % of a 10 s import).
    let answeredAt = null;
    const posted = upload(server.baseUrl, token, jobId, path).then((res) => ((answeredAt = nowMs()), res));
    // Followed as the admin UI follows it: the job's row, a few times a second.
    let job = null;
    let polls = 0;
    for (;;) {
      await sleep(250);
      const res = await server.http.get(`/api/import/jobs/${jobId}`);
      polls++;
      if (res.status === 200) job = res.json;
      if (job && job.status !== 'running') break;
      if (res.status !== 200 && res.status !== 404) throw new Error(`polling the job: ${res.status} ${res.text.slice(0, 200)}`);
      if (nowMs() - startedAt > 590_000) throw new Error('the import did not end within 590 s');
    }
    const answer = await posted;
    return { seconds: (answeredAt - startedAt) / 1000, job, polls, answer };
  });
  const cpu = meter.stop();
  clearInterval(sampler);
  if (answer.status !== 201) throw new Error(`POST /api/import/deals answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  return {
    seconds,
    polls,
    baselineRss,
    peakRss,
    job: { status: job.status, rowsRead: job.rowsRead, created: job.created, updated: job.updated, unchanged: job.unchanged, rejected: job.rejected },
    cpu,
  };
}

export async function bulk(ctx) {
  const { rows, mixedRows } = ctx.sizes.bulk;
  const { server } = ctx;
  // A write-scoped key for the upload and the polling: the bench's http client keeps its token to itself.
  const key = await server.http.post('/api/keys', { name: `bench bulk ${Date.now()}`, scopes: ['write'] });
  if (key.status !== 201) throw new Error(`could not create an API key: ${key.status} ${key.text.slice(0, 200)}`);
  const reps = await server.http.get('/api/reps');
  const owners = (reps.json ?? []).map((r) => r.name).filter((name) => !/[",\r\n]/.test(name));
  if (owners.length === 0) throw new Error('no reps to own the imported deals');
  const rate = await server.http.put(`/api/exchange-rates/USD/${USD_RATE_FROM}`, { rate: '15850.25' });
  if (rate.status !== 200 && rate.status !== 201) throw new Error(`could not set a USD rate: ${rate.status} ${rate.text.slice(0, 200)}`);

  const dir = await mkdtemp(join(tmpdir(), 'salesboard-bench-bulk-'));
  try {
    const path = join(dir, 'hubspot-bulk.csv');
    await writeExport(path, rows, owners);
    const idr = await timedImport(ctx, 'bulk/server', key.json.key, path);
    const mixedPath = join(dir, 'hubspot-mixed.csv');
    await writeExport(mixedPath, mixedRows, owners, { prefix: 'mixed', usdEvery: 4 });
    const mixed = await timedImport(ctx, 'bulk/mixed', key.json.key, mixedPath);
    return {
      rows,
      seconds: round(idr.seconds, 1),
      bulkRowsPerSec: round(rows / idr.seconds, 0),
      targetRowsPerSec: TARGET_ROWS_PER_SEC,
      baselineRssMb: idr.baselineRss === null ? null : round(idr.baselineRss / 2 ** 20, 0),
      peakRssMb: round(idr.peakRss / 2 ** 20, 0),
      polls: idr.polls,
      job: idr.job,
      mixed: { rows: mixedRows, seconds: round(mixed.seconds, 1), rowsPerSec: round(mixedRows / mixed.seconds, 0), job: mixed.job },
      cpu: { server: idr.cpu, mixed: mixed.cpu },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
