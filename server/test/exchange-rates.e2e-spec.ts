/**
 * Exchange rates end to end: the rates API and who may use it, the audit trail, the one refusal
 * every deal write path gives for a currency without a rate (REST, a CRM delivery, an import
 * row), the converted amount on the deal, SQL conversion agreeing with the shared one to the
 * unit, and a connected screen receiving new figures when a rate changes.
 */
import fc from 'fast-check';
import {
  convertMinor,
  type Deal,
  type ExchangeRatesAnswer,
  fromMinor,
  type ImportJob,
  type KpisResponse,
  type LiveEvent,
  localDateOf,
  toMinor,
} from '@salesboard/shared';
import { DataSource } from 'typeorm';
import { ExchangeRatesService } from '../src/exchange-rates/exchange-rates.service.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';
import { connectLive } from './support/live-client.js';
import { bootIngestApp, type IngestTestApp, seqHead } from './fixtures/ingest-app.js';

const PIPEDRIVE = { user: 'pipedrive-hook', password: 'pipedrive-hook-password' };
const today = () => localDateOf(new Date(), 'Asia/Jakarta');

describe('exchange rates', () => {
  let t: IngestTestApp;
  let org: Org;

  const dealCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM deals'))[0].n);

  beforeAll(async () => {
    t = await bootIngestApp({ PIPEDRIVE_WEBHOOK_USER: PIPEDRIVE.user, PIPEDRIVE_WEBHOOK_PASSWORD: PIPEDRIVE.password });
    org = await createOrg(t.api);
  });
  afterAll(async () => t.close());

  it('lets admins set and delete dated rates, anyone read them, and audits every change', async () => {
    expect((await t.keyApi.get('/api/exchange-rates').expect(200)).body).toEqual({ orgCurrency: 'IDR', rates: [] });
    await t.keyApi.put('/api/exchange-rates/SGD/2026-01-01').send({ rate: '11700.5' }).expect(403);

    const put = await t.api.put('/api/exchange-rates/SGD/2026-01-01').send({ rate: '11700.50' }).expect(200);
    expect(put.body).toMatchObject({ currency: 'SGD', validFrom: '2026-01-01', rate: '11700.5' });
    await t.api.put('/api/exchange-rates/SGD/2026-01-01').send({ rate: 11800 }).expect(200);
    const listed = (await t.keyApi.get('/api/exchange-rates').expect(200)).body;
    expect(listed.rates).toEqual([{ currency: 'SGD', validFrom: '2026-01-01', rate: '11800', updatedAt: expect.any(String) }]);

    const audit = (await t.api.get('/api/audit?limit=50').expect(200)).body as { action: string; target: string; details: unknown }[];
    expect(audit.filter((e) => e.target === 'exchangeRate:SGD/2026-01-01').map((e) => [e.action, e.details])).toEqual([
      ['exchangeRate.update', { rate: { from: '11700.5', to: '11800' } }],
      ['exchangeRate.create', { rate: { from: null, to: '11700.5' } }],
    ]);

    await t.api.delete('/api/exchange-rates/SGD/2026-01-01').expect(204);
    expect((await t.keyApi.get('/api/exchange-rates').expect(200)).body.rates).toEqual([]);
    await t.api.delete('/api/exchange-rates/SGD/2026-01-01').expect(404);
  });

  it('answers a bad rate, currency or day with a 400 naming it, and refuses a rate for the organisation currency', async () => {
    const head = await seqHead(t.db);
    expect((await t.api.put('/api/exchange-rates/USD/2026-01-01').send({ rate: '0' }).expect(400)).body.message).toBe('rate: must be greater than 0');
    expect((await t.api.put('/api/exchange-rates/USD/2026-01-01').send({ rate: '-2' }).expect(400)).body.message).toMatch(/^rate: must be a decimal/);
    expect((await t.api.put('/api/exchange-rates/usd/2026-01-01').send({ rate: '1' }).expect(400)).body.message).toMatch(/^currency: /);
    expect((await t.api.put('/api/exchange-rates/USD/2026-13-01').send({ rate: '1' }).expect(400)).body.message).toMatch(/^validFrom: /);
    expect((await t.api.put('/api/exchange-rates/IDR/2026-01-01').send({ rate: '1' }).expect(422)).body.message).toBe(
      "currency: IDR is the organisation's currency; it always converts at 1",
    );
    expect(await seqHead(t.db)).toBe(head);
  });

  it('refuses a REST write in a currency without a rate with a 422 naming the currency and the day, and writes nothing', async () => {
    const before = await dealCount();
    const refused = await t.api.post('/api/deals').send({ name: 'Gudang USD', ownerId: org.reps[0].id, amount: '1000', currency: 'USD' }).expect(422);
    expect(refused.body.message).toBe(
      `currency: no exchange rate for USD on ${today()}; add one in Admin → Exchange rates or PUT /api/exchange-rates/USD/${today()}`,
    );
    expect(await dealCount()).toBe(before);

    const idr = await createDeal(t.api, org.reps[0].id, { amount: '5000' });
    expect(idr.amountInOrgCurrency).toBe('5000.00');
    const head = await seqHead(t.db);
    expect((await t.api.patch(`/api/deals/${idr.id}`).send({ currency: 'USD' }).expect(422)).body.message).toMatch(/^currency: no exchange rate for USD on /);
    expect((await t.api.get(`/api/deals/${idr.id}`).expect(200)).body).toMatchObject({ currency: 'IDR', amount: '5000.00' });
    expect(await seqHead(t.db)).toBe(head);
  });

  it('refuses a stage change of a deal whose currency has lost its rate with the same 422, and writes nothing', async () => {
    // Only a rate removed behind the API's back (the API refuses to delete a rate a deal needs)
    // leaves a deal without one; the one-statement stage change must refuse it all the same.
    await t.api.put('/api/exchange-rates/CHF/2026-01-01').send({ rate: '18000' }).expect(200);
    const chf = await createDeal(t.api, org.reps[0].id, { amount: '100', currency: 'CHF' });
    expect(chf.amountInOrgCurrency).toBe('1800000.00');
    await t.db.query(`DELETE FROM exchange_rates WHERE currency = 'CHF'`);
    const head = await seqHead(t.db);
    const refused = await t.api.post(`/api/deals/${chf.id}/stage`).send({ stage: 'won' }).expect(422);
    expect(refused.body.message).toBe(
      `currency: no exchange rate for CHF on ${today()}; add one in Admin → Exchange rates or PUT /api/exchange-rates/CHF/${today()}`,
    );
    expect((await t.api.get(`/api/deals/${chf.id}`).expect(200)).body).toMatchObject({ stage: chf.stage, closedAt: null });
    expect(await seqHead(t.db)).toBe(head);
    await t.api.put('/api/exchange-rates/CHF/2026-01-01').send({ rate: '18000' }).expect(200);
    const won = (await t.api.post(`/api/deals/${chf.id}/stage`).send({ stage: 'won' }).expect(200)).body as Deal;
    expect(won).toMatchObject({ stage: 'won', currency: 'CHF', amount: '100.00', amountInOrgCurrency: '1800000.00' });
  });

  it('converts a foreign deal at the rate in effect on its day, half to even, and shows both amounts', async () => {
    await t.api.put('/api/exchange-rates/USD/2020-01-01').send({ rate: '15000' }).expect(200);
    await t.api.put(`/api/exchange-rates/USD/${today()}`).send({ rate: '15850.25' }).expect(200);
    const deal = await createDeal(t.api, org.reps[0].id, { amount: '1000', currency: 'USD' });
    expect(deal).toMatchObject({ amount: '1000.00', currency: 'USD', amountInOrgCurrency: '15850250.00' });
    // 0.01 USD × 15850.25 = 158.5025 IDR → 158.50; 0.03 × 0.5 style halves go to the even cent.
    const small = await createDeal(t.api, org.reps[0].id, { amount: '0.01', currency: 'USD' });
    expect(small.amountInOrgCurrency).toBe('158.50');
    const won = (await t.api.post(`/api/deals/${deal.id}/stage`).send({ stage: 'won' }).expect(200)).body as Deal;
    expect(won.amountInOrgCurrency).toBe('15850250.00');
    // A deal closed before today's rate started keeps the rate of its close day.
    await t.db.query("UPDATE deals SET closed_at = '2025-06-01T05:00:00Z' WHERE id = $1", [deal.id]);
    expect((await t.api.get(`/api/deals/${deal.id}`).expect(200)).body.amountInOrgCurrency).toBe('15000000.00');
    await t.db.query('UPDATE deals SET closed_at = now() WHERE id = $1', [deal.id]);
  });

  it('refuses to delete a rate some deal still needs', async () => {
    const [closed] = await t.db.query<{ id: string }>("SELECT id FROM deals WHERE trim(currency) = 'USD' AND closed_at IS NOT NULL LIMIT 1");
    await t.db.query("UPDATE deals SET closed_at = '2025-06-01T05:00:00Z' WHERE id = $1", [closed.id]);
    const refused = await t.api.delete(`/api/exchange-rates/USD/2020-01-01`).expect(409);
    expect(refused.body.message).toMatch(/^rate: \d+ deal\(s\) in USD on or after 2020-01-01 would have no exchange rate/);
    const rates = (await t.keyApi.get('/api/exchange-rates').expect(200)).body.rates as { currency: string; validFrom: string }[];
    expect(rates.filter((r) => r.currency === 'USD').map((r) => r.validFrom)).toEqual(['2020-01-01', today()]);
    await t.db.query('UPDATE deals SET closed_at = now() WHERE id = $1', [closed.id]);
  });

  it('refuses a Pipedrive delivery in a currency without a rate with the same 422', async () => {
    const basic = `Basic ${Buffer.from(`${PIPEDRIVE.user}:${PIPEDRIVE.password}`).toString('base64')}`;
    const head = await seqHead(t.db);
    const delivery = {
      meta: {
        action: 'create',
        entity: 'deal',
        entity_id: '9901',
        id: '8c2d6d0e-7c7b-4d5a-9d3e-990100000001',
        timestamp: new Date().toISOString(),
        version: '2.0',
      },
      data: { id: 9901, title: 'Resort Bali booking', value: 2500, currency: 'EUR', status: 'open', stage_id: 1, owner_id: 1 },
      previous: null,
    };
    const refused = await t.api.post('/api/webhooks/pipedrive').set('Authorization', basic).send(delivery).expect(422);
    expect(refused.body.message).toBe(
      `currency: no exchange rate for EUR on ${today()}; add one in Admin → Exchange rates or PUT /api/exchange-rates/EUR/${today()}`,
    );
    expect(await t.db.query("SELECT 1 FROM deals WHERE source = 'pipedrive' AND external_id = '9901'")).toEqual([]);
    expect(await seqHead(t.db)).toBe(head);
  });

  it('rejects an import row in a currency without a rate on its close day, with that reason, and imports the others', async () => {
    const csv = Buffer.from(
      [
        'Ref,Title,Stage,Amount,Currency,Owner,Close Date',
        'fx-1,Hotel Bandung,Won,1000,USD,Rep 1,2019-06-03',
        'fx-2,Hotel Medan,Won,1000,USD,Rep 1,2024-06-03',
        'fx-3,Hotel Solo,Lead,750,IDR,Rep 2,',
        'fx-4,Hotel Bogor,Demo,10,JPY,Rep 2,',
      ].join('\n'),
    );
    const mapping = {
      columns: { externalId: 'Ref', name: 'Title', stage: 'Stage', amount: 'Amount', currency: 'Currency', owner: 'Owner', closeDate: 'Close Date' },
    };
    const job = (await t.api.post('/api/import/deals').field('mapping', JSON.stringify(mapping)).attach('file', csv, 'fx.csv').expect(201)).body as ImportJob;
    expect(job).toMatchObject({ created: 2, rejected: 2 });
    const rejected = (await t.api.get(job.rejectedCsvUrl).expect(200)).text;
    expect(rejected).toContain('currency: no exchange rate for USD on 2019-06-03; add one in Admin → Exchange rates or PUT /api/exchange-rates/USD/2019-06-03');
    expect(rejected).toContain(`currency: no exchange rate for JPY on ${today()}`);
    const written = await t.db.query<{ external_id: string }>("SELECT external_id FROM deals WHERE external_id LIKE 'fx-%' ORDER BY external_id");
    expect(written.map((r) => r.external_id)).toEqual(['fx-2', 'fx-3']);
  });

  it('imports rates from CSV (admins only), rejecting bad rows with line and reason, and a second import changes nothing', async () => {
    const csv = Buffer.from(
      [
        'Currency,Date,Rate',
        'sgd,2026-02-01,11650.125',
        'SGD,2026-03-01,11700',
        'IDR,2026-03-01,1',
        'EUR,2026-03-01,0',
        'JPY,01/03/2026,105',
        'SGD,2026-03-01,11800',
      ].join('\n'),
    );
    const upload = (api: typeof t.api) => api.post('/api/import/exchange-rates').attach('file', csv, 'rates.csv');
    await upload(t.keyApi).expect(403);
    const job = (await upload(t.api).expect(201)).body as ImportJob;
    expect(job).toMatchObject({ kind: 'exchange-rates', created: 2, rejected: 4, columns: { currency: 'Currency', validFrom: 'Date', rate: 'Rate' } });
    const rejected = (await t.api.get(job.rejectedCsvUrl).expect(200)).text.split('\n').slice(1, 5);
    expect(rejected.map((line) => line.split(',').slice(0, 2).join(','))).toEqual([
      `4,"currency: IDR is the organisation's currency; it always converts at 1"`,
      '5,rate: must be greater than 0',
      '6,"validFrom: ""01/03/2026"" is not a date (expected YYYY-MM-DD)"',
      '7,duplicate: the SGD rate from 2026-03-01 already appeared on line 3',
    ]);
    const sgd = ((await t.keyApi.get('/api/exchange-rates').expect(200)).body as ExchangeRatesAnswer).rates.filter((r) => r.currency === 'SGD');
    expect(sgd.map((r) => [r.validFrom, r.rate])).toEqual([
      ['2026-02-01', '11650.125'],
      ['2026-03-01', '11700'],
    ]);
    expect((await upload(t.api).expect(201)).body).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 4 });
  });

  it('checks a batch of (currency, day) pairs in one query exactly as the rule says for each pair', async () => {
    // Currencies no other test here gives a rate; the organisation's own (IDR) never needs one.
    const currencies = ['AUD', 'CAD', 'NZD'];
    const rates = t.app.get(ExchangeRatesService);
    const manager = t.app.get(DataSource).manager;
    const day = fc.integer({ min: 0, max: 60 }).map((n) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ currency: fc.constantFrom(...currencies), validFrom: day }), {
          maxLength: 6,
          selector: (r) => `${r.currency} ${r.validFrom}`,
        }),
        fc.array(fc.record({ currency: fc.constantFrom('IDR', ...currencies), day }), { minLength: 1, maxLength: 12 }),
        async (given, pairs) => {
          await t.db.query('DELETE FROM exchange_rates WHERE currency = ANY($1)', [currencies]);
          for (const r of given) await t.db.query('INSERT INTO exchange_rates (currency, valid_from, rate) VALUES ($1, $2, 1)', [r.currency, r.validFrom]);
          const missing = await rates.missingRates(manager, pairs);
          for (const p of pairs) {
            // The rule: a rate of the currency starting on or before the day (ISO days compare as text).
            const covered = p.currency === 'IDR' || given.some((r) => r.currency === p.currency && r.validFrom <= p.day);
            expect(missing(p.currency, p.day)).toBe(
              covered
                ? null
                : `currency: no exchange rate for ${p.currency} on ${p.day}; add one in Admin → Exchange rates or PUT /api/exchange-rates/${p.currency}/${p.day}`,
            );
          }
        },
      ),
      { numRuns: 40, seed: 2712 },
    );
    await t.db.query('DELETE FROM exchange_rates WHERE currency = ANY($1)', [currencies]);
  });

  it('converts in SQL exactly as the shared convertMinor does, to the unit', async () => {
    const samples = fc.sample(
      fc.tuple(fc.bigInt({ min: 0n, max: 1_000_000_000_000_000n }), fc.bigInt({ min: 1n, max: 10n ** 18n }), fc.integer({ min: 0, max: 12 })),
      { numRuns: 400, seed: 1507 },
    );
    const amounts = samples.map(([minor]) => fromMinor(minor));
    const rates = samples.map(([, units, scale]) => {
      const digits = units.toString().padStart(scale + 1, '0');
      return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    });
    const rows = await t.db.query<{ converted: string }>(
      'SELECT salesboard_round_half_even(a * r)::text AS converted FROM unnest($1::numeric[], $2::numeric[]) WITH ORDINALITY AS x(a, r, i) ORDER BY i',
      [amounts, rates],
    );
    const expected = samples.map((_, i) => fromMinor(convertMinor(toMinor(amounts[i]), rates[i])));
    expect(rows.map((r) => r.converted)).toEqual(expected);
  });

  it('pushes new figures to a connected screen when a rate changes', async () => {
    const live = connectLive(t.baseUrl, { token: t.token });
    await live.waitForSnapshot();
    expect(await live.socket.timeout(5000).emitWithAck('subscribe', { periods: ['month'] })).toEqual({ ok: true });
    const revenueNow = async () => toMinor(((await t.api.get('/api/kpis?period=month').expect(200)).body as KpisResponse).kpis.revenue);
    const before = await revenueNow();
    await t.api.put(`/api/exchange-rates/USD/${today()}`).send({ rate: '16000' }).expect(200);
    const changed = await live.waitForEvent(
      (e: LiveEvent) => e.type === 'kpi.updated' && e.payload.scope === 'all' && e.payload.period === 'month' && e.payload.changed.revenue !== undefined,
    );
    // The won USD 1,000 deal closed today moves from 15,850,250 to 16,000,000.
    const pushed = changed.type === 'kpi.updated' ? toMinor(changed.payload.changed.revenue as string) : 0n;
    expect(pushed - before).toBe(toMinor('149750.00'));
    expect(await revenueNow()).toBe(pushed);
    live.close();
  });
});
