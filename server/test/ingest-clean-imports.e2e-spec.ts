/**
 * Clean imports (issue #15, item 7): a rejected row writes nothing, a name that matches nothing
 * gets a "did you mean" in the preview and in its reason, the owner, account and product columns
 * have value mappings as stages do, and a deals file without a name column names its deals as the
 * demo does. Real multipart uploads on a real database.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import type { ImportJob, ImportPreview } from '@salesboard/shared';
import { createOrg, type Org } from './support/fixtures.js';
import { bootIngestApp, countRows, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';

/** A CSV file as spreadsheets write it: cells with a comma, quote or line break quoted. */
function csvOf(rows: string[][]): Buffer {
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return Buffer.from(rows.map((row) => row.map(cell).join(',')).join('\n') + '\n');
}

describe('clean imports', () => {
  let t: IngestTestApp;
  let org: Org;

  const upload = (path: string, file: Buffer, mapping: object = {}) =>
    t.api.post(path).field('mapping', JSON.stringify(mapping)).attach('file', file, 'deals.csv');
  const importDeals = async (file: Buffer, mapping: object = {}) => (await upload('/api/import/deals', file, mapping).expect(201)).body as ImportJob;
  const rejectedOf = async (job: ImportJob) => (parse((await t.api.get(job.rejectedCsvUrl).expect(200)).text) as string[][]).slice(1);

  beforeAll(async () => {
    t = await bootIngestApp();
    org = await createOrg(t.api);
    for (const name of ['GTX Pro', 'GTX Basic']) await t.api.post('/api/products').send({ name, listPrice: '1000', marginPct: 50 }).expect(201);
    await t.api.post('/api/accounts').send({ name: 'PT Maju Jaya' }).expect(201);
  });
  afterAll(async () => t.close());

  const HEADER = ['Record ID', 'Deal Name', 'Deal Stage', 'Amount', 'Deal owner', 'Associated Company', 'Product'];
  /** A file whose names are each a typo or a spelling away from what exists, and one that is nothing like anything. */
  const TYPOS = csvOf([
    HEADER,
    ['s-1', 'Spelt right', 'Lead', '100', 'Rep 1', 'PT Maju Jaya', 'GTX Pro'],
    ['s-2', 'Owner swapped letters', 'Lead', '100', 'Budi Santsoo', 'PT Maju Jaya', 'GTX Pro'],
    ['s-3', 'Product without its space', 'Lead', '100', 'Rep 1', 'PT Maju Jaya', 'GTXPro'],
    ['s-4', 'Account missing a letter', 'Lead', '100', 'Rep 1', 'PT Maju Jya', 'GTX Pro'],
    ['s-5', 'Stage misspelt', 'Negotation', '100', 'Rep 1', 'PT Maju Jaya', 'GTX Pro'],
    ['s-6', 'Product like nothing', 'Lead', '100', 'Rep 1', 'PT Maju Jaya', 'Zebra Kit'],
  ]);
  const dealsOf = (ids: string[]) =>
    t.db.query<{ external_id: string; name: string; stage: string; owner: string; account: string | null; product: string | null }>(
      `SELECT d.external_id, d.name, d.stage, r.name AS owner, a.name AS account, p.name AS product
         FROM deals d JOIN reps r ON r.id = d.owner_id LEFT JOIN accounts a ON a.id = d.account_id LEFT JOIN products p ON p.id = d.product_id
        WHERE d.external_id = ANY($1) ORDER BY d.external_id`,
      [ids],
    );

  describe('did you mean', () => {
    beforeAll(async () => {
      await t.api.post('/api/reps').send({ name: 'Budi Santoso', email: 'budi@example.co.id', teamId: org.team.id }).expect(201);
    });

    it('names the nearest rep, product, account and stage in the reason of a rejected row', async () => {
      const job = await importDeals(TYPOS, { createAccounts: false });
      expect(job).toMatchObject({ created: 1, rejected: 5, repsCreated: 0, accountsCreated: 0, productsCreated: 0 });
      expect((await rejectedOf(job)).map((r) => r.slice(0, 2))).toEqual([
        ['3', 'owner: no rep named "Budi Santsoo"; did you mean "Budi Santoso"? (set createReps to create reps)'],
        ['4', 'product: no product named "GTXPro"; did you mean "GTX Pro"? (map it in mapping.products, or set createProducts to create it)'],
        ['5', 'account: no account named "PT Maju Jya"; did you mean "PT Maju Jaya"? (map it in mapping.accounts, or set createAccounts to create it)'],
        ['6', 'stage: "Negotation" is not mapped to a stage of the pipeline; did you mean "negotiation"? (add it to mapping.stages)'],
        ['7', 'product: no product named "Zebra Kit" (map it in mapping.products, or set createProducts to create it)'],
      ]);
    });

    it('lists each owner, account, product and stage value in the preview with what it names, or the nearest name', async () => {
      const preview = (await upload('/api/import/preview', TYPOS).expect(200)).body as ImportPreview;
      expect(preview.names.owners).toEqual([
        { value: 'Rep 1', count: 5, match: 'Rep 1', suggestion: null },
        { value: 'Budi Santsoo', count: 1, match: null, suggestion: 'Budi Santoso' },
      ]);
      expect(preview.names.accounts).toEqual([
        { value: 'PT Maju Jaya', count: 5, match: 'PT Maju Jaya', suggestion: null },
        { value: 'PT Maju Jya', count: 1, match: null, suggestion: 'PT Maju Jaya' },
      ]);
      expect(preview.names.products).toEqual([
        { value: 'GTX Pro', count: 4, match: 'GTX Pro', suggestion: null },
        { value: 'GTXPro', count: 1, match: null, suggestion: 'GTX Pro' },
        { value: 'Zebra Kit', count: 1, match: null, suggestion: null },
      ]);
      expect(preview.stages).toEqual([
        { value: 'Lead', count: 5, stage: 'lead', suggestion: null },
        { value: 'Negotation', count: 1, stage: null, suggestion: 'negotiation' },
      ]);
    });
  });

  describe('value mappings of the owner, account and product columns', () => {
    const MAPPING = {
      owners: { 'budi santsoo': 'budi@example.co.id' },
      accounts: { 'PT Maju Jya': 'PT Maju Jaya' },
      products: { GTXPro: 'GTX Pro', 'Zebra Kit': 'gtx basic' },
      stages: { Negotation: 'negotiation' },
      createAccounts: false,
    };

    it('shows in the preview what each mapped value will name', async () => {
      const preview = (await upload('/api/import/preview', TYPOS, MAPPING).expect(200)).body as ImportPreview;
      expect(preview.names.owners.find((v) => v.value === 'Budi Santsoo')).toEqual({
        value: 'Budi Santsoo',
        count: 1,
        match: 'Budi Santoso',
        suggestion: null,
      });
      expect(preview.names.accounts.find((v) => v.value === 'PT Maju Jya')).toMatchObject({ match: 'PT Maju Jaya', suggestion: null });
      expect(preview.names.products.filter((v) => v.match === null)).toEqual([]);
      expect(preview.names.products.find((v) => v.value === 'Zebra Kit')).toMatchObject({ match: 'GTX Basic' });
      expect(preview.stages.find((v) => v.value === 'Negotation')).toMatchObject({ stage: 'negotiation' });
    });

    it('imports the mapped rows onto the existing rep, account and product, creating none, and changes nothing the second time', async () => {
      const counts = async () => Promise.all(['reps', 'accounts', 'products'].map((table) => countRows(t.db, table)));
      const before = await counts();
      const job = await importDeals(TYPOS, MAPPING);
      expect(job).toMatchObject({ status: 'completed', rejected: 0, repsCreated: 0, accountsCreated: 0, productsCreated: 0 });
      expect(await counts()).toEqual(before);
      expect((await dealsOf(['s-2', 's-3', 's-4', 's-5', 's-6'])).map((d) => [d.external_id, d.stage, d.owner, d.account, d.product])).toEqual([
        ['s-2', 'lead', 'Budi Santoso', 'PT Maju Jaya', 'GTX Pro'],
        ['s-3', 'lead', 'Rep 1', 'PT Maju Jaya', 'GTX Pro'],
        ['s-4', 'lead', 'Rep 1', 'PT Maju Jaya', 'GTX Pro'],
        ['s-5', 'negotiation', 'Rep 1', 'PT Maju Jaya', 'GTX Pro'],
        ['s-6', 'lead', 'Rep 1', 'PT Maju Jaya', 'GTX Basic'],
      ]);
      expect(await importDeals(TYPOS, MAPPING)).toMatchObject({ created: 0, updated: 0, unchanged: 6, rejected: 0 });
    });

    it('refuses a mapping to a rep, account or product that does not exist, or to a name two reps share, naming the field and writing nothing', async () => {
      await t.api.post('/api/reps').send({ name: 'Sari Dewi', email: 'sari.a@example.co.id', teamId: org.team.id }).expect(201);
      await t.api.post('/api/reps').send({ name: 'Sari Dewi', email: 'sari.b@example.co.id', teamId: org.team.id }).expect(201);
      const jobs = await countRows(t.db, 'import_jobs');
      const head = await seqHead(t.db);
      const refuse = async (mapping: object, message: string) => {
        for (const path of ['/api/import/deals', '/api/import/preview']) {
          const response = await upload(path, TYPOS, mapping).expect(400);
          expect(response.body).toMatchObject({ statusCode: 400, message });
        }
      };
      await refuse({ products: { GTXPro: 'GTX Pr0' } }, 'mapping.products.GTXPro: no product named "GTX Pr0"; did you mean "GTX Pro"?');
      await refuse({ accounts: { 'PT Maju Jya': 'PT Nowhere' } }, 'mapping.accounts.PT Maju Jya: no account named "PT Nowhere"');
      await refuse({ owners: { 'Budi Santsoo': 'Budi Santos' } }, 'mapping.owners.Budi Santsoo: no rep named "Budi Santos"; did you mean "Budi Santoso"?');
      await refuse({ owners: { 'Budi Santsoo': 'Sari Dewi' } }, 'mapping.owners.Budi Santsoo: 2 reps are named "Sari Dewi"; give their email instead');
      await refuse({ owners: { 'Budi Santsoo': '' } }, 'mapping.owners.Budi Santsoo: must not be empty');
      expect(await countRows(t.db, 'import_jobs')).toBe(jobs);
      expect(await seqHead(t.db)).toBe(head);
    });
  });

  describe('a deals file without a name column', () => {
    it('names each deal from its account and product as the demo does, spelt as the records are', async () => {
      const file = csvOf([
        ['Record ID', 'Company', 'Product', 'Amount', 'Deal owner'],
        ['n-1', 'pt  maju jaya', 'gtx pro', '100', 'Rep 1'],
        ['n-2', 'CV Tanpa Produk', '', '200', 'Rep 1'],
        ['n-3', '', 'GTXPro', '300', 'Rep 2'],
        ['n-4', '', '', '400', 'Rep 2'],
      ]);
      const job = await importDeals(file, { products: { GTXPro: 'GTX Pro' } });
      expect(job).toMatchObject({ status: 'completed', created: 3, rejected: 1, columns: { account: 'Company', product: 'Product' } });
      expect(job.columns).not.toHaveProperty('name');
      expect((await dealsOf(['n-1', 'n-2', 'n-3'])).map((d) => [d.external_id, d.name])).toEqual([
        ['n-1', 'PT Maju Jaya – GTX Pro'],
        ['n-2', 'CV Tanpa Produk'],
        ['n-3', 'GTX Pro'],
      ]);
      expect((await rejectedOf(job)).map((r) => r.slice(0, 2))).toEqual([
        ['5', 'name: the file has no name column, and the row has no account or product to name the deal by'],
      ]);
    });

    it('is still a 400 naming the field when no column holds a name, an account or a product', async () => {
      const response = await upload(
        '/api/import/deals',
        csvOf([
          ['Record ID', 'Amount', 'Deal owner'],
          ['m-1', '100', 'Rep 1'],
        ]),
      ).expect(400);
      expect(response.body.message).toMatch(/^mapping\.columns\.name: no column holds the deal name, nor an account or product to name deals by/);
    });
  });

  it('creates no rep for an activity rejected for its deal, and imports the activity that shares its id after it', async () => {
    const reps = await countRows(t.db, 'reps');
    const file = csvOf([
      ['Activity ID', 'Type', 'Date', 'Assigned to', 'Deal'],
      ['a-1', 'Call', '2026-01-10 09:00', 'Nova Baru', 'No such deal'],
      ['a-1', 'Call', '2026-01-10 09:00', 'Rep 1', ''],
    ]);
    const job = (await upload('/api/import/activities', file, { createReps: true }).expect(201)).body as ImportJob;
    expect(job).toMatchObject({ created: 1, rejected: 1, repsCreated: 0 });
    expect((await rejectedOf(job)).map((r) => r.slice(0, 2))).toEqual([['2', 'deal: no deal with the id or name "No such deal"']]);
    expect(await countRows(t.db, 'reps')).toBe(reps);
    expect(await t.db.query("SELECT r.name FROM activities a JOIN reps r ON r.id = a.rep_id WHERE a.external_id = 'a-1'")).toEqual([{ name: 'Rep 1' }]);
  });

  describe('a rejected row writes nothing', () => {
    /** What an import can leave behind, by the names and keys a user sees (ids and clocks differ between runs). */
    const state = async () => ({
      deals: await t.db.query(
        `SELECT d.external_id, d.name, d.stage, d.amount::text AS amount, r.email AS owner, a.name AS account, p.name AS product
           FROM deals d JOIN reps r ON r.id = d.owner_id LEFT JOIN accounts a ON a.id = d.account_id LEFT JOIN products p ON p.id = d.product_id
          ORDER BY d.external_id`,
      ),
      history: await t.db.query(
        'SELECT d.external_id, h.from_stage, h.to_stage, r.email AS rep FROM stage_history h JOIN deals d ON d.id = h.deal_id JOIN reps r ON r.id = h.rep_id ORDER BY 1, 2, 3',
      ),
      reps: await t.db.query('SELECT name, email, team_id, active FROM reps ORDER BY email'),
      accounts: await t.db.query('SELECT name, name_key, territory_id FROM accounts ORDER BY name_key'),
      products: await t.db.query('SELECT name, list_price::text, margin_pct::text FROM products ORDER BY name'),
    });
    let baseline: { reps: string[]; accounts: string[]; products: string[] };
    /** Back to the organisation as it was before the first import. */
    const reset = async () => {
      await t.db.query("DELETE FROM deals WHERE source = 'csv'");
      await t.db.query('DELETE FROM reps WHERE NOT (id = ANY($1::uuid[]))', [baseline.reps]);
      await t.db.query('DELETE FROM accounts WHERE NOT (id = ANY($1::uuid[]))', [baseline.accounts]);
      await t.db.query('DELETE FROM products WHERE NOT (id = ANY($1::uuid[]))', [baseline.products]);
    };

    beforeAll(async () => {
      const ids = async (table: string) => (await t.db.query<{ id: string }>(`SELECT id FROM ${table}`)).map((row) => row.id);
      baseline = { reps: await ids('reps'), accounts: await ids('accounts'), products: await ids('products') };
    });

    /** A cell value, and whether it lets the row through (for references: whether it names something that exists). */
    type Pick = { text: string; good: boolean };
    const pick = (...options: Pick[]) => fc.constantFrom(...options);
    const row = fc.record({
      name: pick({ text: 'Racks for the warehouse', good: true }, { text: 'Second phase, support', good: true }, { text: '', good: false }),
      stage: pick(
        { text: 'Lead', good: true },
        { text: 'Contract Sent', good: true },
        { text: 'Closed Won', good: true },
        { text: 'Verbal Commit', good: false },
      ),
      amount: pick({ text: '1500000', good: true }, { text: '2.500,50', good: true }, { text: '12.5M', good: false }),
      owner: pick(
        { text: 'Rep 1', good: true },
        { text: 'rep2@example.co.id', good: true },
        { text: 'Agus Baru', good: false },
        { text: 'Nobody Known <nobody@example.co.id>', good: false },
      ),
      account: pick(
        { text: 'PT Maju Jaya', good: true },
        { text: 'pt  maju jaya', good: true },
        { text: 'CV Baru Sekali', good: false },
        { text: '', good: true },
      ),
      product: pick({ text: 'GTX Pro', good: true }, { text: 'gtx basic', good: true }, { text: 'Widget X', good: false }, { text: '', good: true }),
      /** A bad row may carry a good row's id: rejected, it must not take the id from the row it shares it with. */
      sharesId: fc.boolean(),
    });
    const settings = fc.record({ createReps: fc.boolean(), createAccounts: fc.boolean(), createProducts: fc.boolean() });

    it('imports exactly the good rows of a file mixing good and bad ones, leaving the database as importing only those would', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 14 }), settings, async (rows, options) => {
          // Whether each row is good, decided here from what exists and what the import may create.
          const lines = rows.map((r, i) => {
            const good =
              r.name.good &&
              r.stage.good &&
              r.amount.good &&
              (r.owner.good || options.createReps) &&
              (r.account.good || options.createAccounts) &&
              (r.product.good || options.createProducts);
            return { r, good, line: i + 2, id: `d-${i}` };
          });
          const goodIds = lines.filter((l) => l.good).map((l) => l.id);
          for (const l of lines) if (!l.good && l.r.sharesId && goodIds.length) l.id = goodIds[l.line % goodIds.length];
          const header = ['Record ID', 'Deal Name', 'Deal Stage', 'Amount', 'Close Date', 'Deal owner', 'Associated Company', 'Product'];
          const cells = (l: (typeof lines)[number]) => [
            l.id,
            l.r.name.text,
            l.r.stage.text,
            l.r.amount.text,
            '2026-01-15',
            l.r.owner.text,
            l.r.account.text,
            l.r.product.text,
          ];

          await reset();
          const mixed = await importDeals(csvOf([header, ...lines.map(cells)]), options);
          const afterMixed = await state();
          const rejected = await rejectedOf(mixed);
          await reset();
          const goodOnly = await importDeals(csvOf([header, ...lines.filter((l) => l.good).map(cells)]), options);
          const afterGood = await state();

          expect(mixed).toMatchObject({ status: 'completed', created: goodIds.length, rejected: rows.length - goodIds.length });
          expect(rejected.map((r) => Number(r[0]))).toEqual(lines.filter((l) => !l.good).map((l) => l.line));
          expect(afterMixed.deals.map((d) => (d as { external_id: string }).external_id)).toEqual([...goodIds].sort());
          expect(afterMixed).toEqual(afterGood);
          expect(goodOnly).toMatchObject({
            created: mixed.created,
            rejected: 0,
            repsCreated: mixed.repsCreated,
            accountsCreated: mixed.accountsCreated,
            productsCreated: mixed.productsCreated,
          });
        }),
        { numRuns: 30 },
      );
      await reset();
    });
  });
});
