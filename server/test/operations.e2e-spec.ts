/** What an operator relies on: the OpenAPI document, Prometheus metrics, request ids. */
import { bootTestApp, type TestApp } from './support/app.js';
import { createDeal, createOrg, type Org } from './support/fixtures.js';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('operations', () => {
  let t: TestApp;
  let org: Org;

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api, 1);
  });
  afterAll(async () => t.close());

  it('documents every API route the server registers in the OpenAPI document', async () => {
    const document = (await t.api.get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
    const registered = express.router.stack
      .filter((layer) => layer.route?.path.startsWith('/api/') && !layer.route.path.startsWith('/api/docs'))
      .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`))
      .sort();
    expect(registered.length).toBeGreaterThan(15);
    expect(documented).toEqual(registered);
  });

  it('describes request bodies with the shared schemas', async () => {
    const document = (await t.api.get('/api/docs-json').expect(200)).body;
    const body = document.paths['/api/deals/{id}/stage'].post.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ type: 'object', required: ['stage'], properties: { stage: { type: 'string' }, reopen: { type: 'boolean' } } });
  });

  it('exposes Prometheus series that move when events flow', async () => {
    const scrape = async () => (await t.api.get('/metrics').expect(200)).text;
    const value = (text: string, series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm'))?.[1] ?? 0);
    const before = await scrape();
    const deal = await createDeal(t.api, org.reps[0].id);
    await t.api.post(`/api/deals/${deal.id}/stage`).send({ stage: 'demo' }).expect(200);
    await new Promise((r) => setTimeout(r, 200));
    const after = await scrape();
    expect(value(after, 'salesboard_events_written_total')).toBe(value(before, 'salesboard_events_written_total') + 2);
    expect(value(after, 'salesboard_events_broadcast_total')).toBe(value(before, 'salesboard_events_broadcast_total') + 2);
    expect(value(after, 'salesboard_ingest_to_emit_seconds_count')).toBe(value(before, 'salesboard_ingest_to_emit_seconds_count') + 2);
    expect(value(after, 'salesboard_http_requests_total{method="POST",route="/api/deals/:id/stage",status="200"}')).toBe(
      value(before, 'salesboard_http_requests_total{method="POST",route="/api/deals/:id/stage",status="200"}') + 1,
    );
    for (const series of [
      'salesboard_db_pool_connections',
      'salesboard_nodejs_eventloop_lag_p99_seconds',
      'salesboard_resyncs_total',
      'salesboard_snapshots_served_total',
      'salesboard_event_log_head',
    ]) {
      expect(after).toContain(series);
    }
  });

  it('carries the request id from HTTP into the event it causes', async () => {
    const deal = await createDeal(t.api, org.reps[0].id);
    const response = await t.api.post(`/api/deals/${deal.id}/stage`).set('X-Request-Id', 'trace-42').send({ stage: 'qualified' }).expect(200);
    expect(response.headers['x-request-id']).toBe('trace-42');
    const [row] = await t.db.query<{ request_id: string }>("SELECT request_id FROM event_log WHERE type = 'deal.stageChanged' ORDER BY seq DESC LIMIT 1");
    expect(row.request_id).toBe('trace-42');
  });

  it('answers liveness without touching the database, and readiness with the head seq', async () => {
    await t.api.get('/api/health/live').expect(200, { status: 'ok' });
    const ready = await t.api.get('/api/health').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', db: 'up', seq: expect.any(Number) });
    expect(ready.body.redis).toBeUndefined();
  });

  it('reports Redis in readiness when it is configured', async () => {
    const withRedis = await bootTestApp({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    try {
      await new Promise((r) => setTimeout(r, 300)); // the clients connect
      expect((await withRedis.api.get('/api/health').expect(200)).body).toMatchObject({ db: 'up', redis: 'up' });
    } finally {
      await withRedis.close();
    }
  });

  it('sends security headers', async () => {
    const response = await t.api.get('/api/health').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
