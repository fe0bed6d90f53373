/**
 * Clean imports (issue #15, item 7): a rejected row writes nothing, a name that matches nothing
 * gets a "did you mean" in the preview and in its reason, the owner, account and product columns
 * have value mappings as stages do, and a deals file without a name column names its deals as the
 * demo does. Real multipart uploads on a real database.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import type { ImportJob } from '@salesboard/shared';
import { createOrg, type Org } from './support/fixtures.js';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';

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
      stage: pick({ text: 'Lead', good: true }, { text: 'Contract Sent', good: true }, { text: 'Closed Won', good: true }, { text: 'Verbal Commit', good: false }),
      amount: pick({ text: '1500000', good: true }, { text: '2.500,50', good: true }, { text: '12.5M', good: false }),
      owner: pick(
        { text: 'Rep 1', good: true },
        { text: 'rep2@example.co.id', good: true },
        { text: 'Agus Baru', good: false },
        { text: 'Nobody Known <nobody@example.co.id>', good: false },
      ),
      account: pick({ text: 'PT Maju Jaya', good: true }, { text: 'pt  maju jaya', good: true }, { text: 'CV Baru Sekali', good: false }, { text: '', good: true }),
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
          const cells = (l: (typeof lines)[number]) => [l.id, l.r.name.text, l.r.stage.text, l.r.amount.text, '2026-01-15', l.r.owner.text, l.r.account.text, l.r.product.text];

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
