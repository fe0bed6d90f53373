/**
 * A 100,000-row export imports completely, in flat memory, and a second time changes nothing. The
 * file is generated on disk and streamed up, so what the process holds is the import's own working
 * set. The server runs in this process: the RSS measured is the server's (plus the test's).
 * Speed is not asserted here: `npm run bench` (the bulk scenario) measures rows/s on a quiet machine.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ImportJob } from '@salesboard/shared';
import { createOrg } from './support/fixtures.js';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';

const ROWS = 100_000;
const MAX_RSS_GROWTH_MB = 300;
const STAGES = [
  'Appointment Scheduled',
  'Qualified To Buy',
  'Presentation Scheduled',
  'Decision Maker Bought-In',
  'Contract Sent',
  'Closed Won',
  'Closed Lost',
];

async function writeExport(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('\uFEFFRecord ID,Deal Name,Deal Stage,Amount,Close Date,Deal owner,Associated Company,Create Date\r\n');
  for (let i = 0; i < ROWS; i++) {
    const stage = STAGES[i % STAGES.length];
    const closed = stage.startsWith('Closed');
    const day = String((i % 28) + 1).padStart(2, '0');
    const closeDate = closed ? `2026-0${(i % 9) + 1}-${day}` : i % 3 === 0 ? '' : `2027-01-${day}`;
    const amount = stage === 'Closed Lost' ? '0' : i % 5 === 0 && !closed ? '' : String(1_000_000 + i * 37);
    const line = `${i + 1},"Deal ${i + 1}, batch ${i % 500}",${stage},${amount},${closeDate},Rep ${(i % 2) + 1},PT Pelanggan ${i % 2000},2026-01-${day}\r\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

/** The upload as a browser sends it, streamed from disk: the test holds no copy of the file. */
async function* multipart(path: string, boundary: string): AsyncGenerator<Buffer> {
  yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hubspot-100k.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

describe('a 100,000-row import', () => {
  let t: IngestTestApp;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    t = await bootIngestApp();
    await createOrg(t.api);
    dir = await mkdtemp(join(tmpdir(), 'salesboard-import-'));
    file = join(dir, 'hubspot-100k.csv');
    await writeExport(file);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const importMeasured = async (label: string) => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const boundary = 'salesboard-scale-boundary';
    const response = await fetch(`${t.baseUrl}/api/import/deals`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) },
      body: Readable.from(multipart(file, boundary)) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    const job = (await response.json()) as ImportJob;
    clearInterval(sampler);
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`${label}: RSS ${Math.round(baseline / 1048576)} MB → peak ${Math.round(peak / 1048576)} MB (+${growthMb.toFixed(0)} MB)`);
    return { status: response.status, job, growthMb };
  };

  it('streams in under 300 MB of memory growth, then changes nothing when imported again', async () => {
    const first = await importMeasured('first import');
    expect(first.status).toBe(201);
    expect(first.job).toMatchObject({ status: 'completed', rowsRead: ROWS, created: ROWS, rejected: 0, accountsCreated: 2000 });
    expect(first.growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
    const [{ n }] = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM deals WHERE source = 'csv'");
    expect(Number(n)).toBe(ROWS);
    const [{ h }] = await t.db.query<{ h: string }>("SELECT count(*) AS h FROM stage_history WHERE source = 'csv'");
    expect(Number(h)).toBe(ROWS);

    // The first import's deals.imported makes the KPI store rebuild with 100k deals in memory:
    // that memory is the aggregates', not the import's. A KPI read waits for the rebuild.
    await t.api.get('/api/kpis').expect(200);
    global.gc?.();
    const again = await importMeasured('same file again');
    expect(again.job).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: ROWS });
    expect(again.growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
  }, 300_000);

  it('streams the 100,000 deals out as CSV, and releases the cursor of a download the client abandons', async () => {
    const auth: Record<string, string> = t.token ? { Authorization: `Bearer ${t.token}` } : {};
    // Twelve downloads dropped after their first bytes: more than the pool's ten connections.
    for (let i = 0; i < 12; i++) {
      const controller = new AbortController();
      const response = await fetch(`${t.baseUrl}/api/export/deals.csv`, { headers: auth, signal: controller.signal });
      const reader = response.body?.getReader();
      await reader?.read();
      controller.abort();
    }
    for (let waited = 0; ; waited += 50) {
      const [{ n }] = await t.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'FETCH % FROM deals_export' AND state <> 'idle'",
      );
      if (Number(n) === 0) break;
      if (waited > 5000) throw new Error(`${n} export cursors still open`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const response = await fetch(`${t.baseUrl}/api/export/deals.csv`, { headers: auth });
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) for (const byte of chunk) if (byte === 0x0a) lines++;
    // A header line and 100,000 deals, each name holding no line break.
    expect(lines).toBe(ROWS + 1);
  }, 120_000);
});
