import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import request from 'supertest';
import { requestLog } from './request-log.js';

/** A real Express app behind requestLog, logging into memory. */
function appWith(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const registry = new Registry();
  const metrics = {
    httpRequests: new Counter({ name: 'requests', help: 'h', labelNames: ['method', 'route', 'status'] as const, registers: [registry] }),
    httpDuration: new Histogram({ name: 'duration', help: 'h', labelNames: ['method', 'route'] as const, registers: [registry] }),
  };
  const app = express();
  app.use(requestLog(pino({ level }, sink), metrics));
  app.get('/api/deals/:id', (req, res) => void res.json({ id: req.params.id, requestId: req.id }));
  app.get('/api/broken', (_req, res) => void res.status(503).end());
  app.get('/api/health', (_req, res) => void res.json({ ok: true }));
  return { app, lines, registry };
}

describe('requestLog', () => {
  it('gives each request an id (a sane X-Request-Id is kept), logs one line once answered and counts it by route', async () => {
    const { app, lines, registry } = appWith('info');
    const own = await request(app).get('/api/deals/7').set('X-Request-Id', 'trace-42').expect(200);
    expect(own.headers['x-request-id']).toBe('trace-42');
    expect(own.body).toEqual({ id: '7', requestId: 'trace-42' });
    const insane = await request(app).get('/api/deals/8').set('X-Request-Id', 'no spaces allowed').expect(200);
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'trace-42', method: 'GET', url: '/api/deals/7' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0].responseTime).toBe('number');
    // Headers are not logged: credentials in them can't leak into the log.
    expect(JSON.stringify(lines)).not.toContain('headers');
    const counted = await registry.getSingleMetricAsString('requests');
    expect(counted).toContain('requests{method="GET",route="/api/deals/:id",status="200"} 2');
  });

  it('logs a 5xx as an error, and nothing for health checks or unknown paths beyond the line', async () => {
    const { app, lines, registry } = appWith('info');
    await request(app).get('/api/broken').expect(503);
    await request(app).get('/api/health').expect(200);
    await request(app).get('/nowhere').expect(404);
    expect(lines.map((line) => [line.level, line.msg, (line.req as { url: string }).url])).toEqual([
      [50, 'request errored', '/api/broken'],
      [40, 'request completed', '/nowhere'],
    ]);
    const counted = await registry.getSingleMetricAsString('requests');
    expect(counted).toContain('route="/api/broken",status="503"} 1');
    expect(counted).toContain('route="/api/health",status="200"} 1');
    expect(counted).not.toContain('nowhere');
  });

  it('writes no line below its level, yet still counts', async () => {
    const { app, lines, registry } = appWith('warn');
    await request(app).get('/api/deals/1').expect(200);
    expect(lines).toEqual([]);
    expect(await registry.getSingleMetricAsString('requests')).toContain('status="200"} 1');
  });
});
