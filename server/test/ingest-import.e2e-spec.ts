/**
 * CSV import of deals, driven as the admin UI will: real multipart uploads of files shaped like
 * HubSpot, Salesforce and Pipedrive exports, on a real database, watched by a real socket.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { ImportJob, ImportPreview, LiveEvent } from '@salesboard/shared';
import { createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';
import { bootIngestApp, countRows, fixture, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';
import { IMPORT_BATCH_ROWS } from '../src/ingest/import/import.service.js';
import { serverProcess } from './support/server-process.js';

interface DealRow {
  external_id: string;
  name: string;
  stage: string;
  amount: string;
  currency: string;
  owner: string;
  account: string | null;
  expected_close_date: string | null;
  closed_at: Date | null;
  created_at: Date;
}

describe('CSV import of deals', () => {
  let t: IngestTestApp;
  let org: Org;

  const upload = (path: string, file: Buffer, name: string, fields: Record<string, string> = {}) => {
    let req = t.api.post(path);
    for (const [key, value] of Object.entries(fields)) req = req.field(key, value);
    return req.attach('file', file, name);
  };
  const importFile = (name: string, mapping?: object, extra: Record<string, string> = {}) =>
    upload('/api/import/deals', fixture(name), name, { ...(mapping ? { mapping: JSON.stringify(mapping) } : {}), ...extra });
  const deals = (externalIds?: string[]) =>
    t.db.query<DealRow>(
      `SELECT d.external_id, d.name, d.stage, d.amount::text AS amount, trim(d.currency) AS currency, r.name AS owner, a.name AS account,
              to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date, d.closed_at, d.created_at
         FROM deals d JOIN reps r ON r.id = d.owner_id LEFT JOIN accounts a ON a.id = d.account_id
        WHERE d.source = 'csv' ${externalIds ? 'AND d.external_id = ANY($1)' : ''} ORDER BY d.external_id`,
      externalIds ? [externalIds] : [],
    );

  beforeAll(async () => {
    t = await bootIngestApp();
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  it('imports a HubSpot export without a mapping, rejecting the rows it cannot take with line and reason', async () => {
    const live = connectLive(t.baseUrl, { token: t.token });
    await live.waitForSnapshot();
    const before = await seqHead(t.db);

    const response = await importFile('hubspot-deals.csv').expect(201);
    const job = response.body as ImportJob;
    expect(job).toMatchObject({
      status: 'completed',
      delimiter: ',',
      rowsRead: 7,
      created: 5,
      updated: 0,
      rejected: 2,
      accountsCreated: 3,
      columns: {
        externalId: 'Record ID',
        name: 'Deal Name',
        stage: 'Deal Stage',
        amount: 'Amount',
        closeDate: 'Close Date',
        owner: 'Deal owner',
        account: 'Associated Company',
        createdAt: 'Create Date',
      },
    });

    const rows = await deals(['9001', '9002', '9003', '9004', '9006']);
    expect(rows.map((d) => [d.external_id, d.name, d.stage, d.amount, d.owner, d.account, d.expected_close_date])).toEqual([
      ['9001', 'PT Maju Jaya renewal', 'qualified', '150000000.00', 'Rep 1', 'PT Maju Jaya', '2026-12-20'],
      ['9002', 'Renewal, phase 2', 'won', '275000000.50', 'Rep 2', 'PT Maju Jaya', '2026-03-31'],
      ['9003', 'Samudra Biru fleet\nincl. support', 'negotiation', '0.00', 'Rep 1', 'CV Samudra Biru, Tbk', null],
      ['9004', 'Lost to competitor', 'lost', '0.00', 'Rep 1', 'Toko Sinar', '2026-04-02'],
      ['9006', 'Qualified lead', 'qualified', '0.00', 'Rep 2', null, null],
    ]);
    // A close date counts from midnight in the organisation's time zone (Asia/Jakarta, UTC+7).
    expect(rows[1].closed_at?.toISOString()).toBe('2026-03-30T17:00:00.000Z');
    expect(rows[1].created_at.toISOString()).toBe('2026-01-09T17:00:00.000Z');
    expect(rows[0].closed_at).toBeNull();
    expect(await countRows(t.db, 'accounts')).toBe(3);
    const history = await t.db.query<{ external_id: string; from_stage: string | null; to_stage: string; source: string }>(
      `SELECT d.external_id, h.from_stage, h.to_stage, h.source FROM stage_history h JOIN deals d ON d.id = h.deal_id WHERE d.source = 'csv' ORDER BY d.external_id`,
    );
    expect(history.map((h) => [h.external_id, h.from_stage, h.to_stage, h.source])).toEqual([
      ['9001', null, 'qualified', 'csv'],
      ['9002', null, 'won', 'csv'],
      ['9003', null, 'negotiation', 'csv'],
      ['9004', null, 'lost', 'csv'],
      ['9006', null, 'qualified', 'csv'],
    ]);

    // Live views hear of the import once, at the end: one summary event, no per-deal events.
    expect(await seqHead(t.db)).toBe(before + 1);
    const summary = await live.waitForEvent((e) => e.type === 'deals.imported' && e.seq === before + 1);
    expect(summary).toMatchObject({ type: 'deals.imported', payload: { jobId: job.id, created: 5, updated: 0, rejected: 2 } });
    expect(live.events.filter((e: LiveEvent) => e.type.startsWith('deal.'))).toEqual([]);
    live.close();

    const rejected = await t.api
      .get(job.rejectedCsvUrl)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const records = parse(rejected.text) as string[][];
    expect(records[0]).toEqual([
      'line',
      'reason',
      'Record ID',
      'Deal Name',
      'Deal Stage',
      'Amount',
      'Close Date',
      'Deal owner',
      'Associated Company',
      'Create Date',
      'Pipeline',
    ]);
    expect(records.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['8', 'stage: "Verbal Commit" is not mapped to a stage of the pipeline (add it to mapping.stages)', '9005', 'Verbal yes'],
      ['9', 'duplicate: Record ID "9002" already appeared on line 3', '9002', 'Renewal duplicate row'],
    ]);
    expect((await t.api.get(`/api/import/jobs/${job.id}`).expect(200)).body).toEqual(job);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await seqHead(t.db);
    const snapshot = await t.db.query('SELECT * FROM deals ORDER BY id');
    const historyRows = await countRows(t.db, 'stage_history');

    const job = (await importFile('hubspot-deals.csv').expect(201)).body as ImportJob;
    expect(job).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 5, rejected: 2, accountsCreated: 0 });
    expect(await t.db.query('SELECT * FROM deals ORDER BY id')).toEqual(snapshot);
    expect(await countRows(t.db, 'stage_history')).toBe(historyRows);
    expect(await seqHead(t.db)).toBe(before);
  });

  it('imports a Salesforce report with M/D/YYYY dates and amounts written with currency signs', async () => {
    const job = (await importFile('salesforce-opportunities.csv').expect(201)).body as ImportJob;
    expect(job).toMatchObject({
      status: 'completed',
      dateFormat: 'mdy',
      rowsRead: 6,
      created: 4,
      rejected: 2,
      columns: { externalId: 'Opportunity ID', name: 'Opportunity Name', account: 'Account Name', owner: 'Opportunity Owner' },
    });
    const rows = await deals(['0065g00000AbCdE', '0065g00000AbCdF', '0065g00000AbCdH', '0065g00000AbCdJ']);
    expect(rows.map((d) => [d.external_id, d.stage, d.amount, d.owner, d.account, d.expected_close_date])).toEqual([
      ['0065g00000AbCdE', 'won', '1250000000.00', 'Rep 1', 'Bank Nusantara', '2026-09-30'],
      ['0065g00000AbCdF', 'negotiation', '80000.00', 'Rep 2', 'Bank Nusantara', '2026-12-15'],
      ['0065g00000AbCdH', 'demo', '0.00', 'Rep 2', 'Kopi Kita', '2026-12-31'],
      ['0065g00000AbCdJ', 'lost', '0.00', 'Rep 1', 'Kopi Kita', '2026-06-01'],
    ]);
    const rejected = parse((await t.api.get(job.rejectedCsvUrl).expect(200)).text) as string[][];
    expect(rejected.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['4', 'amount: "12.5M" is not an amount'],
      ['6', 'closeDate: "13/31/2026" is not a date in M/D/YYYY (set dateFormat)'],
    ]);
  });

  it('imports a semicolon-separated Pipedrive export with decimal commas, D/M/YYYY dates and won/lost statuses', async () => {
    const job = (await importFile('pipedrive-deals.csv').expect(201)).body as ImportJob;
    expect(job).toMatchObject({ status: 'completed', delimiter: ';', dateFormat: 'dmy', rowsRead: 4, created: 4, rejected: 0 });
    const rows = await deals(['301', '302', '303', '304']);
    expect(rows.map((d) => [d.external_id, d.name, d.stage, d.amount, d.currency, d.account, d.expected_close_date])).toEqual([
      ['301', 'Hotel Melati booking engine', 'proposal', '1500000.50', 'IDR', 'Hotel Melati', '2026-12-15'],
      ['302', 'Hotel Melati; spa wing', 'won', '2000000.00', 'IDR', 'Hotel Melati', '2026-10-03'],
      ['303', 'Warung Bu Sri POS', 'lost', '750000.00', 'IDR', 'Warung Bu Sri', '2026-09-01'],
      ['304', 'Warung Bu Sri delivery', 'demo', '0.00', 'IDR', 'Warung Bu Sri', null],
    ]);
  });

  it('applies a column and stage mapping, and creates the reps and products the file names when asked', async () => {
    const csv = Buffer.from(
      [
        'Ref,Title,Phase,Worth,Seller,Item,Closing',
        'x-1,Gudang Jaya racks,Verbal Commit,"1,000",Dewi Lestari,Rack Pro,2026-12-01',
        'x-2,Gudang Jaya lift,Verbal Commit,500,dewi   lestari,rack pro,',
      ].join('\n'),
    );
    const mapping = {
      columns: { externalId: 'Ref', name: 'title', stage: 'Phase', amount: 'Worth', owner: 'Seller', product: 'Item', closeDate: 'Closing' },
      stages: { 'verbal commit': 'negotiation' },
      createReps: true,
      createProducts: true,
    };
    const job = (await upload('/api/import/deals', csv, 'custom.csv', { mapping: JSON.stringify(mapping) }).expect(201)).body as ImportJob;
    expect(job).toMatchObject({ created: 2, rejected: 0, repsCreated: 1, productsCreated: 1 });
    const rows = await t.db.query<{ stage: string; owner: string; email: string; product: string }>(
      `SELECT d.stage, r.name AS owner, r.email, p.name AS product FROM deals d JOIN reps r ON r.id = d.owner_id JOIN products p ON p.id = d.product_id
        WHERE d.external_id IN ('x-1', 'x-2') ORDER BY d.external_id`,
    );
    expect(rows).toEqual([
      { stage: 'negotiation', owner: 'Dewi Lestari', email: expect.stringMatching(/^dewi\.lestari\.[0-9a-f]{6}@imported\.invalid$/), product: 'Rack Pro' },
      { stage: 'negotiation', owner: 'Dewi Lestari', email: rows[0].email, product: 'Rack Pro' },
    ]);
  });

  it('derives a stable id when the file has none, so a second import updates instead of duplicating', async () => {
    const file = (amount: string, stage: string) =>
      Buffer.from(`Deal Name,Amount,Deal Stage,Deal owner,Account Name\nPabrik Roti oven,${amount},${stage},Rep 1,Pabrik Roti\n`);
    const first = (await upload('/api/import/deals', file('100', 'Lead'), 'no-id.csv').expect(201)).body as ImportJob;
    expect(first).toMatchObject({ created: 1, updated: 0 });
    const second = (await upload('/api/import/deals', file('250', 'Demo'), 'no-id.csv').expect(201)).body as ImportJob;
    expect(second).toMatchObject({ created: 0, updated: 1 });
    const [deal] = await t.db.query<{ id: string; external_id: string; amount: string; stage: string }>(
      "SELECT id, external_id, amount::text AS amount, stage FROM deals WHERE name = 'Pabrik Roti oven'",
    );
    expect(deal).toMatchObject({ external_id: expect.stringMatching(/^row:[0-9a-f]{32}$/), amount: '250.00', stage: 'demo' });
    const history = await t.db.query('SELECT from_stage, to_stage FROM stage_history WHERE deal_id = $1 ORDER BY id', [deal.id]);
    expect(history).toEqual([
      { from_stage: null, to_stage: 'lead' },
      { from_stage: 'lead', to_stage: 'demo' },
    ]);
  });

  it('keeps stray quotes as text, and rejects a quote that never closes without losing the rows before it', async () => {
    const csv = [
      'Record ID,Deal Name,Deal owner',
      'q-1,Before the bad row,Rep 1',
      'q-2,Toko "Murah" Jaya,Rep 2',
      'q-3,"Unclosed quote,Rep 1',
      'q-4,Swallowed by the quote,Rep 2',
    ].join('\r\n');
    const job = (await upload('/api/import/deals', Buffer.from(csv), 'quotes.csv').expect(201)).body as ImportJob;
    expect(job).toMatchObject({ status: 'completed', rowsRead: 3, created: 2, rejected: 1 });
    const rejected = parse((await t.api.get(job.rejectedCsvUrl).expect(200)).text, { relax_column_count: true }) as string[][];
    expect(rejected.slice(1)).toEqual([['4', 'a quote opens on this row and never closes: the rest of the file was read as one value']]);
    expect((await deals(['q-1', 'q-2'])).map((d) => d.name)).toEqual(['Before the bad row', 'Toko "Murah" Jaya']);
  });

  it('ends with a 400 naming the line when a later batch holds a quote swallowing more than 1 MB, keeping the batches before it', async () => {
    // The built server as its own process, as in production: a rejection nobody handled would end it.
    const node = await serverProcess(t.db.url);
    await node.start();
    try {
      const jobId = randomUUID();
      const good = (from: number, n: number) => Array.from({ length: n }, (_, i) => `big-${from + i},Big deal ${from + i},Rep 1`);
      // A full first batch, ten rows of the second, then a quote that never closes over 1.2 MB of
      // lines: the second batch's read fails while the first is being written.
      const filler = Array.from({ length: 40_000 }, (_, i) => `swallowed line ${i} of the unclosed quote`).join('\n');
      const csv = ['Record ID,Deal Name,Deal owner', ...good(1, IMPORT_BATCH_ROWS), ...good(IMPORT_BATCH_ROWS + 1, 10), `big-x,"Unclosed ${filler}`].join('\n');
      const answer = await node.api.post('/api/import/deals').field('jobId', jobId).attach('file', Buffer.from(csv), 'big.csv').expect(400);
      expect(answer.body.message).toBe(`file: line ${IMPORT_BATCH_ROWS + 12}: a row larger than the limit of 1 MB (a quote that never closes?)`);
      const job = (await node.api.get(`/api/import/jobs/${jobId}`).expect(200)).body as ImportJob;
      expect(job).toMatchObject({ status: 'failed', rowsRead: IMPORT_BATCH_ROWS, created: IMPORT_BATCH_ROWS });
      expect(Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM deals WHERE external_id LIKE 'big-%'"))[0].n)).toBe(IMPORT_BATCH_ROWS);
      // Still up, and importing.
      await new Promise((r) => setTimeout(r, 200));
      expect(node.process.exitCode).toBeNull();
      const after = Buffer.from('Record ID,Deal Name,Deal owner\nbig-after,After the failure,Rep 1');
      await node.api.post('/api/import/deals').attach('file', after, 'after.csv').expect(201);
    } finally {
      await node.kill('SIGTERM');
    }
  });

  it('warns about form fields sent after the file instead of applying them', async () => {
    const csv = Buffer.from('Record ID,Deal Name,Deal owner\nlate-1,Late mapping,Rep 1\n');
    const job = (await t.api.post('/api/import/deals').attach('file', csv, 'late.csv').field('mapping', '{"createReps":true}').expect(201)).body as ImportJob;
    expect(job).toMatchObject({ created: 1, warnings: ['mapping: came after the file and was not applied; send it before the file'] });
  });

  it('previews a file: headers, the first rows, the guessed mapping and each stage value with its guess', async () => {
    const preview = (await upload('/api/import/preview', fixture('hubspot-deals.csv'), 'hubspot-deals.csv').expect(200)).body as ImportPreview;
    expect(preview).toMatchObject({
      delimiter: ',',
      headers: ['Record ID', 'Deal Name', 'Deal Stage', 'Amount', 'Close Date', 'Deal owner', 'Associated Company', 'Create Date', 'Pipeline'],
      rowCount: 7,
      columns: { externalId: 'Record ID', name: 'Deal Name', stage: 'Deal Stage', owner: 'Deal owner', account: 'Associated Company' },
      unmappedHeaders: ['Pipeline'],
      dateFormat: 'iso',
    });
    expect(preview.rows).toHaveLength(7);
    expect(preview.rows[2][1]).toBe('Samudra Biru fleet\nincl. support');
    expect(preview.stages).toEqual([
      { value: 'Closed Won', count: 2, stage: 'won', suggestion: null },
      { value: 'Appointment Scheduled', count: 1, stage: 'qualified', suggestion: null },
      { value: 'Closed Lost', count: 1, stage: 'lost', suggestion: null },
      { value: 'Contract Sent', count: 1, stage: 'negotiation', suggestion: null },
      { value: 'Qualified To Buy', count: 1, stage: 'qualified', suggestion: null },
      { value: 'Verbal Commit', count: 1, stage: null, suggestion: null },
    ]);
  });

  it('refuses what is not an importable CSV with a 4xx naming the problem, before writing anything', async () => {
    const jobs = await countRows(t.db, 'import_jobs');
    const dealCount = await countRows(t.db, 'deals');
    const head = await seqHead(t.db);
    const refuse = async (req: request.Test, status: number, message: RegExp) => {
      const response = await req.expect(status);
      expect(response.body).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
    };
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 1)]);
    await refuse(t.api.post('/api/import/deals').send({ file: 'x' }), 415, /^Content-Type: must be multipart\/form-data/);
    await refuse(t.api.post('/api/import/deals').field('mapping', '{}'), 400, /^file: is required/);
    await refuse(upload('/api/import/deals', xlsx, 'deals.xlsx'), 400, /^file: is an Excel workbook/);
    await refuse(upload('/api/import/deals', Buffer.from('\0\0binary\0'), 'deals.csv'), 400, /^file: is not a CSV/);
    await refuse(upload('/api/import/deals', Buffer.alloc(0), 'empty.csv'), 400, /^file: is empty/);
    await refuse(
      upload('/api/import/deals', Buffer.from('Colour,Size\nred,XL\n'), 'shirts.csv'),
      400,
      /^file: no column could be mapped to a deal field \(its columns: Colour, Size\)/,
    );
    await refuse(upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { mapping: '{"columns":' }), 400, /^mapping: is not valid JSON/);
    await refuse(
      upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { mapping: '{"colour":"red"}' }),
      400,
      /^mapping\.colour: is not a known field/,
    );
    await refuse(
      upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { mapping: '{"columns":{"amount":"Amt"}}' }),
      400,
      /^mapping\.columns\.amount: "Amt" is not a column of the file/,
    );
    await refuse(
      upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { mapping: '{"stages":{"Verbal Commit":"closing"}}' }),
      400,
      /^mapping\.stages\.Verbal Commit: "closing" is not a stage/,
    );
    await refuse(upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { mapping: '{"dateFormat":"ymd"}' }), 400, /^mapping\.dateFormat: /);
    await refuse(upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { colour: 'red' }), 400, /^colour: is not a form field of an import/);
    await refuse(upload('/api/import/deals', fixture('hubspot-deals.csv'), 'h.csv', { jobId: 'nope' }), 400, /^jobId: must be a UUID/);
    await refuse(
      upload('/api/import/deals', Buffer.from('Deal Name,Amount\nX,1\n'), 'x.csv'),
      400,
      /^mapping\.defaultOwnerId: is required when no column holds the owner/,
    );
    expect(await countRows(t.db, 'import_jobs')).toBe(jobs);
    expect(await countRows(t.db, 'deals')).toBe(dealCount);
    expect(await seqHead(t.db)).toBe(head);
  });

  it('answers 404 for an unknown job and 409 when cancelling one that has finished', async () => {
    const job = (await t.api.get('/api/import/jobs').expect(200)).body[0] as ImportJob;
    const refused = await t.api.delete(`/api/import/jobs/${job.id}`).expect(409);
    expect(refused.body.message).toBe(`import ${job.id} is completed: only a running import can be cancelled`);
    await t.api.get('/api/import/jobs/3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f').expect(404);
    await t.api.get('/api/import/jobs/3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f/rejected.csv').expect(404);
    await t.api.get('/api/import/jobs/not-a-job').expect(400);
  });

  it('cancels a running import after the batch it is writing, keeping what was written', async () => {
    const jobId = randomUUID();
    const boundary = 'salesboard-test-boundary';
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Two whole batches and part of a third arrive, then the upload waits.
    const held = 2 * IMPORT_BATCH_ROWS + IMPORT_BATCH_ROWS / 5;
    const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `slow-${from + i},Slow deal ${from + i},Rep 1\n`).join('');
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="jobId"\r\n\r\n${jobId}\r\n`);
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"\r\nContent-Type: text/csv\r\n\r\n`);
      yield Buffer.from(`Record ID,Deal Name,Deal owner\n${rows(0, held)}`);
      await gate;
      yield Buffer.from(rows(held, 3 * IMPORT_BATCH_ROWS));
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const answer = fetch(`${t.baseUrl}/api/import/deals`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) },
      body: Readable.from(body()) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    const started = Date.now();

    // Two batches are written while the upload waits for the rest.
    for (let job: ImportJob | null = null; !job || job.rowsRead < 2 * IMPORT_BATCH_ROWS; await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() - started > 20_000) throw new Error(`two batches were not written in 20 s: ${JSON.stringify(job)}`);
      const response = await t.api.get(`/api/import/jobs/${jobId}`);
      job = response.status === 200 ? (response.body as ImportJob) : null;
    }
    const cancelling = await t.api.delete(`/api/import/jobs/${jobId}`).expect(202);
    expect(cancelling.body).toMatchObject({ id: jobId, status: 'running' });
    release();

    const response = await answer;
    expect(response.status).toBe(201);
    const job = (await response.json()) as ImportJob;
    expect(job).toMatchObject({ id: jobId, status: 'cancelled', created: 2 * IMPORT_BATCH_ROWS, rowsRead: 2 * IMPORT_BATCH_ROWS });
    expect(Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM deals WHERE external_id LIKE 'slow-%'"))[0].n)).toBe(2 * IMPORT_BATCH_ROWS);
  });

  it('exports deals as RFC 4180 CSV with a header row, filtered like GET /api/deals', async () => {
    const nasty = '=HYPERLINK("http://x"), "quoted", comma\nand a newline';
    const created = (await t.api.post('/api/deals').send({ name: nasty, ownerId: org.reps[1].id, amount: '1234.5', stage: 'proposal' }).expect(201)).body as {
      id: string;
    };

    const response = await t.api
      .get(`/api/export/deals.csv?stage=proposal&repId=${org.reps[1].id}`)
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="deals.csv"');
    expect(response.text.startsWith('\uFEFFDeal ID,Source,External ID,Deal Name,Account,Product,Owner,Owner Email,Team,Territory,Amount,Currency,Stage,')).toBe(
      true,
    );
    expect(response.text).toContain('"\'=HYPERLINK(""http://x""), ""quoted"", comma\nand a newline"');
    expect(response.text.endsWith('\r\n')).toBe(true);
    const records = parse(response.text, { bom: true, columns: true }) as Record<string, string>[];
    const expected = await t.db.query<{ id: string }>("SELECT id FROM deals WHERE stage = 'proposal' AND owner_id = $1", [org.reps[1].id]);
    expect(records.map((r) => r['Deal ID']).sort()).toEqual(expected.map((d) => d.id).sort());
    expect(records.find((r) => r['Deal ID'] === created.id)).toMatchObject({
      'Deal Name': `'${nasty}`,
      Amount: '1234.50',
      Owner: 'Rep 2',
      Stage: 'proposal',
      Source: 'api',
    });

    const all = parse((await t.api.get('/api/export/deals.csv').expect(200)).text, { bom: true, columns: true }) as unknown[];
    expect(all).toHaveLength(await countRows(t.db, 'deals'));
    const bad = await t.api.get('/api/export/deals.csv?stage=Not+A+Stage').expect(400);
    expect(bad.body.message).toMatch(/^stage: /);
    expect((await t.api.get('/api/export/deals.csv?limit=5').expect(400)).body.message).toBe('limit: is not a known field');
  });
});
