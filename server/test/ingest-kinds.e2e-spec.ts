/**
 * CSV import of reps, accounts, products and activities: files shaped like HubSpot, Salesforce
 * and Pipedrive exports, uploaded as the admin UI does, on a real database. Each kind rejects its
 * bad rows with line and reason while the good ones land, and a second import changes nothing.
 */
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { ImportJob, ImportPreview, KpisResponse } from '@salesboard/shared';
import { createOrg, type Org } from './support/fixtures.js';
import { bootIngestApp, countRows, fixture, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';

describe('CSV import of reps, accounts, products and activities', () => {
  let t: IngestTestApp;
  let org: Org;

  const upload = (path: string, file: Buffer, name: string, fields: Record<string, string> = {}) => {
    let req = t.api.post(path);
    for (const [key, value] of Object.entries(fields)) req = req.field(key, value);
    return req.attach('file', file, name);
  };
  const importFile = async (kind: string, name: string, mapping?: object): Promise<ImportJob> =>
    (await upload(`/api/import/${kind}`, fixture(name), name, mapping ? { mapping: JSON.stringify(mapping) } : {}).expect(201)).body as ImportJob;
  const rejectedRows = async (job: ImportJob) =>
    (parse((await t.api.get(job.rejectedCsvUrl).expect(200)).text) as string[][]).slice(1).map((r) => r.slice(0, 2));
  const lastEvent = async () =>
    (await t.db.query<{ type: string; payload: Record<string, unknown> }>('SELECT type, payload FROM event_log ORDER BY seq DESC LIMIT 1'))[0];

  beforeAll(async () => {
    t = await bootIngestApp();
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  it('imports a HubSpot users export: split names, emails in any case, teams by name in any spacing', async () => {
    const before = await seqHead(t.db);
    const job = await importFile('reps', 'hubspot-users.csv');
    expect(job).toMatchObject({
      kind: 'reps',
      status: 'completed',
      rowsRead: 7,
      created: 2,
      updated: 0,
      unchanged: 1,
      rejected: 4,
      columns: { firstName: 'First Name', lastName: 'Last Name', email: 'Email', team: 'Primary Team', active: 'Status' },
    });
    const reps = await t.db.query<{ name: string; email: string; team: string | null; active: boolean }>(
      'SELECT r.name, r.email, t.name AS team, r.active FROM reps r LEFT JOIN teams t ON t.id = r.team_id ORDER BY r.email',
    );
    expect(reps).toEqual([
      { name: 'Budi Santoso', email: 'budi.santoso@example.co.id', team: 'Jakarta Raya', active: true },
      { name: 'Rep 1', email: 'rep1@example.co.id', team: 'Jakarta Raya', active: true },
      { name: 'Rep 2', email: 'rep2@example.co.id', team: 'Jakarta Raya', active: true },
      { name: 'Rina Wijaya', email: 'rina.wijaya@example.co.id', team: 'Jakarta Raya', active: true },
    ]);
    expect(await rejectedRows(job)).toEqual([
      ['5', 'email: "dewi at example.co.id" is not an email address'],
      ['6', 'team: no team named "Surabaya Timur" (create it in the admin area first)'],
      ['8', 'duplicate: email "rina.wijaya@example.co.id" already appeared on line 2'],
      ['9', 'active: "Maybe" is not yes or no'],
    ]);
    // Each new rep is announced, as screens and caches of reps follow org.changed; then one summary for the file.
    const events = await t.db.query<{ type: string; payload: Record<string, unknown> }>('SELECT type, payload FROM event_log WHERE seq > $1 ORDER BY seq', [
      before,
    ]);
    expect(events.map((e) => [e.type, e.payload.entity ?? e.payload.kind, e.payload.name ?? null])).toEqual([
      ['org.changed', 'rep', 'Budi Santoso'],
      ['org.changed', 'rep', 'Rina Wijaya'],
      ['deals.imported', 'reps', null],
    ]);
    expect(events[2].payload).toEqual({ jobId: job.id, kind: 'reps', created: 2, updated: 0, rejected: 4 });

    const audited = (await t.api.get('/api/audit?action=import').expect(200)).body as { action: string; target: string; details: Record<string, unknown> }[];
    expect(audited[0]).toMatchObject({
      action: 'import.reps',
      target: `importJob:${job.id}`,
      details: { fileName: 'hubspot-users.csv', status: 'completed', created: job.created },
    });
    const again = await importFile('reps', 'hubspot-users.csv');
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 4 });
    expect(await seqHead(t.db)).toBe(before + 3);
  });

  it('gives a rep created from a deal owner’s name their real email when a users export names them', async () => {
    const csv = Buffer.from('Record ID,Deal Name,Deal owner\nz-1,Gudang Jaya racks,Citra Ayu\n');
    await upload('/api/import/deals', csv, 'deals.csv', { mapping: JSON.stringify({ createReps: true }) }).expect(201);
    const job = (await upload('/api/import/reps', Buffer.from('Full Name,Email,Active\ncitra  AYU,citra.ayu@example.co.id,yes\n'), 'users.csv').expect(201))
      .body as ImportJob;
    expect(job).toMatchObject({ created: 0, updated: 1 });
    const [owner] = await t.db.query<{ name: string; email: string }>(
      "SELECT r.name, r.email FROM deals d JOIN reps r ON r.id = d.owner_id WHERE d.external_id = 'z-1'",
    );
    expect(owner).toEqual({ name: 'Citra Ayu', email: 'citra.ayu@example.co.id' });
  });

  it('imports a semicolon-separated Salesforce accounts report, matching names and territories case- and space-insensitively', async () => {
    const job = await importFile('accounts', 'salesforce-accounts.csv');
    expect(job).toMatchObject({
      kind: 'accounts',
      delimiter: ';',
      rowsRead: 5,
      created: 3,
      accountsCreated: 3,
      rejected: 2,
      columns: { name: 'Account Name', territory: 'Territory' },
    });
    const accounts = await t.db.query<{ name: string; territory: string | null }>(
      'SELECT a.name, t.name AS territory FROM accounts a LEFT JOIN territories t ON t.id = a.territory_id ORDER BY a.name',
    );
    expect(accounts).toEqual([
      { name: 'CV Samudra Biru; Tbk', territory: 'Jakarta' },
      { name: 'Hotel Melati', territory: null },
      { name: 'PT Maju Jaya', territory: 'Jakarta' },
    ]);
    expect(await rejectedRows(job)).toEqual([
      ['4', 'duplicate: the account "pt  MAJU jaya" already appeared on line 2'],
      ['5', 'territory: no territory named "Bali Nusra" (create it in the admin area first)'],
    ]);
    expect(await importFile('accounts', 'salesforce-accounts.csv')).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 2 });
  });

  it('imports a Pipedrive products export, taking the margin from the unit cost', async () => {
    const job = await importFile('products', 'pipedrive-products.csv');
    expect(job).toMatchObject({ kind: 'products', rowsRead: 6, created: 3, productsCreated: 3, rejected: 3 });
    expect(job.columns).toEqual({ name: 'Name', listPrice: 'Price', unitCost: 'Unit cost' });
    const products = await t.db.query('SELECT name, list_price::text AS price, margin_pct::text AS margin FROM products ORDER BY name');
    // No unit cost and no margin column: the margin is unknown, not 0 % (return on sales leaves those out).
    expect(products).toEqual([
      { name: 'Fleet Tracker Lite', price: '5000000.00', margin: null },
      { name: 'Fleet Tracker Pro', price: '15000000.00', margin: '40.00' },
      { name: 'Training Day', price: '3500000.00', margin: null },
    ]);
    expect(await rejectedRows(job)).toEqual([
      ['4', 'listPrice: "free" is not an amount'],
      ['5', 'duplicate: the product "FLEET  TRACKER PRO" already appeared on line 2'],
      ['6', 'unitCost: 3000000.00 is above the list price 2500000.00: a negative margin'],
    ]);
    // A new price list updates what changed and leaves the rest.
    const update = Buffer.from('Product Name,List Price,Margin\nfleet tracker lite,"5,500,000",35%\nTraining Day,3500000,\n');
    const second = (await upload('/api/import/products', update, 'prices.csv').expect(201)).body as ImportJob;
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await t.db.query("SELECT list_price::text AS price, margin_pct::text AS margin FROM products WHERE name = 'Fleet Tracker Lite'")).toEqual([
      { price: '5500000.00', margin: '35.00' },
    ]);
  });

  it('imports HubSpot call and meeting exports onto reps and deals, and counts them in the activity KPIs', async () => {
    await importFile('deals', 'hubspot-deals.csv');
    const before = await seqHead(t.db);
    const job = await importFile('activities', 'hubspot-calls.csv');
    expect(job).toMatchObject({
      kind: 'activities',
      rowsRead: 9,
      created: 4,
      rejected: 5,
      columns: {
        externalId: 'Record ID',
        at: 'Activity date',
        type: 'Activity type',
        subject: 'Call title',
        outcome: 'Call outcome',
        owner: 'Activity assigned to',
        deal: 'Associated Deal',
        note: 'Call notes',
      },
    });
    const rows = await t.db.query<{ external_id: string; type: string; rep: string; deal: string | null; note: string | null; at: Date }>(
      `SELECT a.external_id, a.type, r.name AS rep, d.name AS deal, a.note, a.at FROM activities a JOIN reps r ON r.id = a.rep_id
         LEFT JOIN deals d ON d.id = a.deal_id WHERE a.source = 'csv' ORDER BY a.external_id`,
    );
    expect(rows.map((a) => [a.external_id, a.type, a.rep, a.deal, a.note])).toEqual([
      ['50001', 'call', 'Rep 1', 'PT Maju Jaya renewal', 'Intro call — Connected — Asked about fleet size, pricing'],
      ['50002', 'meeting', 'Rep 2', 'Renewal, phase 2', 'On-site visit — Met the GM\nand the finance lead'],
      ['50003', 'email', 'Rep 1', null, 'Proposal sent'],
      ['50008', 'demo', 'Rep 2', 'PT Maju Jaya renewal', 'Product demo'],
    ]);
    // A local time in the organisation's zone (Asia/Jakarta, UTC+7).
    expect(rows[0].at.toISOString()).toBe('2026-03-02T02:15:00.000Z');
    expect(await rejectedRows(job)).toEqual([
      ['6', 'type: "TASK" is not a call, email, meeting or demo (add it to mapping.types)'],
      ['7', 'at: "2026-02-30 09:00" is not a date'],
      ['8', 'deal: no deal with the id or name "Ghost deal"'],
      ['9', 'duplicate: Record ID "50001" already appeared on line 2'],
      ['10', 'at: 2099-01-01 09:00 is in the future: only activities that took place are imported'],
    ]);
    expect(await seqHead(t.db)).toBe(before + 1);
    expect(await lastEvent()).toMatchObject({ type: 'deals.imported', payload: { kind: 'activities', created: 4 } });

    // The KPI store rebuilds on the summary event: a read waits for it.
    const kpis = (await t.api.get('/api/kpis').query({ from: '2026-03-01', to: '2026-03-09' }).expect(200)).body as KpisResponse;
    expect(kpis.kpis.activities).toMatchObject({ call: 1, email: 1, meeting: 1, demo: 1, total: 4 });
    const rep1 = (await t.api.get('/api/kpis').query({ from: '2026-03-01', to: '2026-03-09', repId: org.reps[0].id }).expect(200)).body as KpisResponse;
    expect(rep1.kpis.activities).toMatchObject({ call: 1, email: 1, meeting: 0, demo: 0, total: 2 });

    const again = await importFile('activities', 'hubspot-calls.csv');
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: 5 });
    expect(await seqHead(t.db)).toBe(before + 1);
  });

  it('reads a Salesforce task report’s type from its subject, skips tasks not done, and takes the types it is given', async () => {
    const first = await importFile('activities', 'salesforce-tasks.csv');
    expect(first).toMatchObject({
      dateFormat: 'mdy',
      rowsRead: 5,
      created: 2,
      rejected: 3,
      columns: { subject: 'Subject', at: 'Date', owner: 'Assigned', done: 'Status' },
    });
    expect(await rejectedRows(first)).toEqual([
      ['4', 'type: "Send Letter" is not a call, email, meeting or demo (add it to mapping.types)'],
      ['5', 'done: "Not Started": only activities that took place are imported'],
      ['6', 'at: "13/03/2026" is not a date in M/D/YYYY (set dateFormat)'],
    ]);
    const second = await importFile('activities', 'salesforce-tasks.csv', { types: { 'send  letter': 'email' } });
    expect(second).toMatchObject({ created: 1, unchanged: 2, rejected: 2 });
    const [letter] = await t.db.query<{ type: string; note: string; at: Date }>("SELECT type, note, at FROM activities WHERE external_id = '00T5g000001AbCf'");
    expect(letter).toEqual({ type: 'email', note: 'Contract by post', at: new Date('2026-03-11T17:00:00.000Z') });
  });

  it('imports a semicolon-separated Pipedrive activities export, creating the reps it names only when asked', async () => {
    const first = await importFile('activities', 'pipedrive-activities.csv');
    expect(first).toMatchObject({ delimiter: ';', created: 2, rejected: 2, repsCreated: 0 });
    expect(await rejectedRows(first)).toEqual([
      ['4', 'type: "deadline" is not a call, email, meeting or demo (add it to mapping.types)'],
      ['5', 'owner: no rep named "Nobody Known" (set createReps to create reps)'],
    ]);
    const second = await importFile('activities', 'pipedrive-activities.csv', { createReps: true });
    expect(second).toMatchObject({ created: 1, unchanged: 2, rejected: 1, repsCreated: 1 });
    expect(await t.db.query("SELECT type FROM activities WHERE external_id = '702'")).toEqual([{ type: 'meeting' }]);
  });

  it('previews each kind with its guessed columns, and activities with each type value and its guess', async () => {
    const preview = (await upload('/api/import/preview?kind=activities', fixture('hubspot-calls.csv'), 'calls.csv').expect(200)).body as ImportPreview;
    expect(preview).toMatchObject({ kind: 'activities', rowCount: 9, dateFormat: 'iso', stages: [] });
    expect(preview.activityTypes).toEqual([
      { value: 'CALL', count: 4, type: 'call' },
      { value: 'MEETING', count: 2, type: 'meeting' },
      { value: 'DEMO', count: 1, type: 'demo' },
      { value: 'EMAIL', count: 1, type: 'email' },
      { value: 'TASK', count: 1, type: null },
    ]);
    const reps = (await upload('/api/import/preview?kind=reps', fixture('hubspot-users.csv'), 'users.csv').expect(200)).body as ImportPreview;
    expect(reps).toMatchObject({ kind: 'reps', rowCount: 7, unmappedHeaders: [], activityTypes: [] });
    const accounts = (await upload('/api/import/preview?kind=accounts', fixture('salesforce-accounts.csv'), 'a.csv').expect(200)).body as ImportPreview;
    expect(accounts.unmappedHeaders).toEqual(['Billing City', 'Account Owner']);
  });

  it('imports the first of two files and says the second was not imported, and the server stays up', async () => {
    const response = await t.api
      .post('/api/import/accounts')
      .attach('file', Buffer.from('Account Name\nGudang Sejahtera\n'), 'one.csv')
      .attach('file', Buffer.from('Account Name\nGudang Dua\n'), 'two.csv')
      .expect(201);
    expect(response.body).toMatchObject({ created: 1, warnings: ['file: only one file per import; a second one was sent and not imported'] });
    expect(await t.db.query("SELECT name FROM accounts WHERE name LIKE 'Gudang%' ORDER BY name")).toEqual([{ name: 'Gudang Sejahtera' }]);
    await t.api.get('/api/health').expect(200);
  });

  it('refuses an unknown kind, a file with no column of the kind and a mapping of another kind, before writing anything', async () => {
    const jobs = await countRows(t.db, 'import_jobs');
    const head = await seqHead(t.db);
    const refuse = async (req: request.Test, message: RegExp) => {
      const response = await req.expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
    };
    await refuse(
      upload('/api/import/leads', fixture('hubspot-users.csv'), 'u.csv'),
      /^kind: "leads" is not one of deals, reps, accounts, products, activities/,
    );
    await refuse(upload('/api/import/preview?kind=quotas', fixture('hubspot-users.csv'), 'u.csv'), /^kind: "quotas" is not one of/);
    await refuse(
      upload('/api/import/reps', Buffer.from('Colour,Size\nred,XL\n'), 'x.csv'),
      /^file: no column could be mapped to a field of reps \(its columns: Colour, Size\)/,
    );
    await refuse(
      upload('/api/import/activities', Buffer.from('Subject,Assigned\nCall,Rep 1\n'), 'x.csv'),
      /^mapping\.columns\.at: no column holds the date of the activity/,
    );
    await refuse(
      upload('/api/import/products', fixture('pipedrive-products.csv'), 'p.csv', { mapping: JSON.stringify({ columns: { stage: 'Name' } }) }),
      /^mapping\.columns\.stage: /,
    );
    await refuse(
      upload('/api/import/activities', fixture('hubspot-calls.csv'), 'c.csv', { mapping: JSON.stringify({ types: { TASK: 'todo' } }) }),
      /^mapping\.types\.TASK: /,
    );
    await refuse(
      upload('/api/import/activities', Buffer.from('Activity date,Activity type\n2026-03-01,CALL\n'), 'x.csv'),
      /^mapping\.defaultOwnerId: is required/,
    );
    expect(await countRows(t.db, 'import_jobs')).toBe(jobs);
    expect(await seqHead(t.db)).toBe(head);
  });
});
