/**
 * A running import's progress reaches admins' sockets live: a real socket.io client signed in as
 * the admin sees `import.progress` with rising counts, at most four times a second, and the job's
 * final state last; a rep's socket sees none of it.
 */
import type { ImportJob, LiveEvent } from '@salesboard/shared';
import request from 'supertest';
import { IngestHousekeepingService } from '../src/ingest/ingest-housekeeping.service.js';
import { createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';

const ROWS = 20_000;
const PASSWORD = 'a long enough rep password';

function dealsCsv(rows: number): Buffer {
  const lines = ['Record ID,Deal Name,Deal Stage,Amount,Deal owner,Associated Company'];
  for (let i = 1; i <= rows; i++) lines.push(`p-${i},"Deal ${i}, progress",Appointment Scheduled,${1000 + i},Rep ${(i % 2) + 1},PT Pelanggan ${i % 50}`);
  // A bad row near the end: the last progress counts it as rejected.
  lines.push('p-bad,Broken amount,Appointment Scheduled,lots,Rep 1,PT Pelanggan 1');
  return Buffer.from(lines.join('\r\n'));
}

describe('import progress on the live socket', () => {
  let t: IngestTestApp;
  let org: Org;

  beforeAll(async () => {
    t = await bootIngestApp();
    org = await createOrg(t.api);
    await t.api.post('/api/users').send({ email: 'ayu@example.co.id', name: 'Ayu', role: 'rep', repId: org.reps[0].id, password: PASSWORD }).expect(201);
  });
  afterAll(async () => t.close());

  it('sends admins rising counts while a file imports, then the final state, and reps nothing', async () => {
    const admin = connectLive(t.baseUrl, { token: t.adminToken });
    const repLogin = await request(t.baseUrl).post('/api/auth/login').send({ email: 'ayu@example.co.id', password: PASSWORD }).expect(200);
    const rep = connectLive(t.baseUrl, { token: repLogin.body.accessToken as string });
    await Promise.all([admin.waitForSnapshot(), rep.waitForSnapshot()]);

    const started = Date.now();
    const job = (await t.api.post('/api/import/deals').attach('file', dealsCsv(ROWS), 'progress.csv').expect(201)).body as ImportJob;
    const seconds = (Date.now() - started) / 1000;
    const final = await admin.waitForEvent((e) => e.type === 'import.progress' && e.payload.status !== 'running');
    const progress = admin.events.filter((e): e is Extract<LiveEvent, { type: 'import.progress' }> => e.type === 'import.progress' && e.payload.id === job.id);
    console.log(`${ROWS + 1} rows in ${seconds.toFixed(1)} s: ${progress.length} import.progress events`);

    expect(final.payload).toEqual(job);
    expect(job).toMatchObject({ status: 'completed', rowsRead: ROWS + 1, created: ROWS, rejected: 1 });
    // The last one is the final state; those before it rise and are at least 250 ms apart.
    expect(progress[progress.length - 1]).toBe(final);
    const running = progress.slice(0, -1).map((e) => ({ at: Date.parse(e.at), job: e.payload }));
    expect(running.length).toBeGreaterThanOrEqual(2);
    for (const [i, event] of running.entries()) {
      expect(event.job.status).toBe('running');
      expect(event.job.rowsRead).toBeGreaterThan(0);
      if (i === 0) continue;
      expect(event.job.rowsRead).toBeGreaterThan(running[i - 1].job.rowsRead);
      expect(event.job.created).toBeGreaterThanOrEqual(running[i - 1].job.created);
      // Stamped after the job is read back, a few ms after the throttle's clock: allow for that.
      expect(event.at - running[i - 1].at).toBeGreaterThanOrEqual(200);
    }
    expect(rep.events.filter((e) => e.type === 'import.progress')).toEqual([]);
    admin.close();
    rep.close();
  }, 60_000);

  it('ends an import whose node stopped touching it, and tells admins it failed', async () => {
    const admin = connectLive(t.baseUrl, { token: t.adminToken });
    await admin.waitForSnapshot();
    // A job as a node that died mid-file leaves it: running, 500 rows written, untouched for 3 minutes.
    const [{ id }] = await t.db.query<{ id: string }>(
      `INSERT INTO import_jobs (kind, file_name, delimiter, date_format, headers, columns, rows_read, created, heartbeat_at)
       VALUES ('activities', 'calls.csv', ',', 'iso', '["Activity date"]', '{"at":"Activity date"}', 500, 500, now() - interval '3 minutes') RETURNING id`,
    );
    await t.app.get(IngestHousekeepingService).sweep();
    const ended = await admin.waitForEvent((e) => e.type === 'import.progress' && e.payload.id === id);
    expect(ended.payload).toMatchObject({ kind: 'activities', status: 'failed', rowsRead: 500, created: 500, error: expect.stringMatching(/^interrupted/) });
    const [summary] = await t.db.query<{ type: string; payload: object }>('SELECT type, payload FROM event_log ORDER BY seq DESC LIMIT 1');
    expect(summary).toEqual({ type: 'deals.imported', payload: { jobId: id, kind: 'activities', created: 500, updated: 0, rejected: 0 } });
    admin.close();
  });
});
