/**
 * Return on sales when some products carry no margin: unknown is not zero. A product without a
 * margin (given none over REST, or known only by name from a deals import) leaves its deals out
 * of return on sales, which says which share of revenue it covers.
 */
import { jest } from '@jest/globals';
import type { ImportJob, KpisResponse, Product } from '@salesboard/shared';
import { bootIngestApp, type IngestTestApp } from './fixtures/ingest-app.js';
import type { QueryRunner } from 'typeorm';
import { ProductMarginUnknown1765000000000 } from '../src/database/migrations/1765000000000-ProductMarginUnknown.js';
import { REAL_TIMERS } from './support/clock.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';

describe('return on sales with products of unknown margin', () => {
  let t: IngestTestApp;
  let org: Org;

  const upload = (kind: string, csv: string, mapping?: object) => {
    let req = t.api.post(`/api/import/${kind}`);
    if (mapping) req = req.field('mapping', JSON.stringify(mapping));
    return req.attach('file', Buffer.from(csv), `${kind}.csv`).expect(201);
  };
  const products = async () => new Map(((await t.api.get('/api/products').expect(200)).body as Product[]).map((p) => [p.name, p]));
  const kpis = async () => ((await t.api.get('/api/kpis?period=month').expect(200)).body as KpisResponse).kpis;

  beforeAll(async () => {
    // November 2031, so the imported deal's close date falls in "this month".
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: new Date('2031-11-20T03:00:00Z') });
    t = await bootIngestApp();
    org = await createOrg(t.api);
  });
  afterAll(async () => {
    await t.close();
    jest.useRealTimers();
  });

  it('keeps a product given no margin as unknown, and a 0 % margin as 0', async () => {
    const none = (await t.api.post('/api/products').send({ name: 'Mystery box', listPrice: 1000 }).expect(201)).body as Product;
    const zero = (await t.api.post('/api/products').send({ name: 'Loss leader', listPrice: 1000, marginPct: 0 }).expect(201)).body as Product;
    expect([none.marginPct, zero.marginPct]).toEqual([null, '0.00']);
    const stored = await t.db.query<{ name: string; margin_pct: string | null }>(
      `SELECT name, margin_pct::text AS margin_pct FROM products WHERE name IN ('Mystery box', 'Loss leader') ORDER BY name`,
    );
    expect(stored).toEqual([
      { name: 'Loss leader', margin_pct: '0.00' },
      { name: 'Mystery box', margin_pct: null },
    ]);
  });

  it('is unknown while every won deal is on a product a deals import knew only by name, then covers only the known share', async () => {
    const job = (
      await upload('deals', 'Deal Name,Amount,Deal Stage,Deal owner,Product,Close Date\nRack for Pabrik Roti,100000,Closed Won,Rep 1,Rack Pro,2031-11-05\n', {
        columns: { name: 'Deal Name', amount: 'Amount', stage: 'Deal Stage', owner: 'Deal owner', product: 'Product', closeDate: 'Close Date' },
        stages: { 'closed won': 'won' },
        createProducts: true,
      })
    ).body as ImportJob;
    expect(job).toMatchObject({ created: 1, rejected: 0, productsCreated: 1 });
    expect((await products()).get('Rack Pro')?.marginPct).toBeNull();
    expect(await kpis()).toMatchObject({ revenue: '100000.00', returnOnSales: null, returnOnSalesRevenueShare: 0 });

    const known = (await t.api.post('/api/products').send({ name: 'ERP suite', listPrice: 300000, marginPct: 40 }).expect(201)).body as Product;
    await createDeal(t.api, org.reps[1].id, { amount: '300000', stage: 'won', productId: known.id });
    // 40 % of the 300 000 whose margin is known, not 40 % of 300 000 over all 400 000 (which would be 30 %).
    expect(await kpis()).toMatchObject({ revenue: '400000.00', returnOnSales: 0.4, returnOnSalesRevenueShare: 0.75 });
  });

  it('lets a products file give a margin to a product that had none, 0 included', async () => {
    const first = (await upload('products', 'name,listPrice\nCable kit,50000\n')).body as ImportJob;
    expect(first).toMatchObject({ created: 1, rejected: 0 });
    expect((await products()).get('Cable kit')?.marginPct).toBeNull();
    const second = (await upload('products', 'name,marginPct\nCable kit,0\n')).body as ImportJob;
    expect(second).toMatchObject({ updated: 1, unchanged: 0 });
    expect((await products()).get('Cable kit')?.marginPct).toBe('0.00');
  });

  it('migrates the placeholders a deals import stored at price 0 and margin 0 to unknown, and keeps a real 0 % margin', async () => {
    const migration = new ProductMarginUnknown1765000000000();
    const runner = { query: (sql: string) => t.db.query(sql) } as unknown as QueryRunner;
    await migration.down(runner); // back to NOT NULL, unknown margins stored as 0 as they used to be
    await t.db.query(`INSERT INTO products (name, list_price, margin_pct) VALUES ('Placeholder', 0, 0), ('Free sample', 0, 12.5), ('Giveaway', 25000, 0)`);
    await migration.up(runner);
    const rows = await t.db.query<{ name: string; margin_pct: string | null }>(
      `SELECT name, margin_pct::text AS margin_pct FROM products WHERE name IN ('Placeholder', 'Free sample', 'Giveaway', 'Rack Pro', 'Loss leader') ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'Free sample', margin_pct: '12.50' },
      { name: 'Giveaway', margin_pct: '0.00' },
      { name: 'Loss leader', margin_pct: '0.00' }, // given 0 % with a list price: a margin someone gave
      { name: 'Placeholder', margin_pct: null },
      { name: 'Rack Pro', margin_pct: null },
    ]);
  });
});
