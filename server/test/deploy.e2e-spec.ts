/**
 * No Docker engine runs here, so the deployment files are proven by reading them against the
 * configuration schema, and nginx's configuration by running Debian's nginx with it in front
 * of a real server: HTTP and the socket.io WebSocket must both pass through.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../src/config/app.config.js';
import { freePort } from '../src/database/embedded.js';
import { bootTestApp, type TestApp } from './support/app.js';
import { connectLive } from './support/live-client.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

interface Service {
  image?: string;
  build?: { target?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const services = compose.services;

  it('has PostgreSQL with a named volume and a health check, and Redis with one', () => {
    expect(services.postgres.image).toMatch(/^postgres:/);
    const [volume] = services.postgres.volumes ?? [];
    expect(volume).toBe('pgdata:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toContain('pgdata');
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services.redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
  });

  it('runs two server replicas that wait for a one-off migration job and never migrate themselves', () => {
    expect(services.server.deploy?.replicas).toBe(2);
    expect(services.server.environment?.RUN_MIGRATIONS).toBe('off');
    expect(services.server.depends_on?.migrate.condition).toBe('service_completed_successfully');
    expect(services.migrate.command).toEqual(['node', 'server/dist/database/migrate.js']);
    expect(existsSync(join(ROOT, 'server/src/database/migrate.ts'))).toBe(true);
    expect(services.server.healthcheck?.test.join(' ')).toContain('/api/health');
  });

  it('gives the servers only variables the configuration knows, including every one of the design', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const given = Object.keys(services.server.environment ?? {});
    expect(given.filter((name) => !known.has(name))).toEqual([]);
    const design = [
      'PORT',
      'DATABASE_URL',
      'REDIS_URL',
      'SIMULATOR',
      'DEMO_DATA',
      'TZ_ORG',
      'CURRENCY',
      'ADMIN_EMAIL',
      'ADMIN_PASSWORD',
      'JWT_SECRET',
      'CORS_ORIGINS',
      'HUBSPOT_CLIENT_SECRET',
      'PIPEDRIVE_WEBHOOK_USER',
      'PIPEDRIVE_WEBHOOK_PASSWORD',
      'LOG_LEVEL',
    ];
    expect(design.filter((name) => !given.includes(name))).toEqual([]);
    // Fixed values must pass the same validation the server applies at start.
    const fixed = Object.fromEntries(Object.entries(services.server.environment ?? {}).filter(([, v]) => !v.includes('${')));
    expect(envSchema.safeParse(fixed).success).toBe(true);
  });

  it('documents every configuration variable in .env.example', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const missing = Object.keys(envSchema.shape).filter((name) => name !== 'DATA_DIR' && !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });

  it('puts nginx in front on port 80, built from the web target', () => {
    expect(services.nginx.build?.target).toBe('web');
    expect(services.nginx.ports).toEqual(['${HTTP_PORT:-80}:80']);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/AS server/);
    expect(dockerfile).toMatch(/AS web/);
  });
});

(NGINX ? describe : describe.skip)('deploy/nginx.conf in front of a real server', () => {
  let t: TestApp;
  let nginx: ChildProcess;
  let prefix: string;
  let port: number;

  beforeAll(async () => {
    t = await bootTestApp();
    prefix = await mkdtemp(join(tmpdir(), 'salesboard-nginx-'));
    port = await freePort();
    const upstream = new URL(t.baseUrl).host;
    const config = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8')
      .replace('server server:3000', `server ${upstream}`)
      .replace('listen 80;', `listen 127.0.0.1:${port};`)
      .replace('root /usr/share/nginx/html;', `root ${join(ROOT, 'client/dist')};`)
      .replace('worker_processes auto;', `worker_processes 1;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log;`)
      .replace('http {', `http {\n  access_log off;\n  client_body_temp_path ${prefix};\n  proxy_temp_path ${prefix};`);
    await writeFile(join(prefix, 'nginx.conf'), config);
    const check = spawnSync(NGINX!, ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { encoding: 'utf8' });
    expect(check.stderr).toMatch(/test is successful/);
    nginx = spawn(NGINX!, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    for (
      let i = 0;
      i < 50 &&
      !(await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await t?.close();
    await rm(prefix, { recursive: true, force: true });
  });

  it('proxies the API and serves the client with the single-page fallback', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    const tv = await fetch(`http://127.0.0.1:${port}/tv`);
    expect(await tv.text()).toMatch(/<div id="app">/);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });

  it('passes the socket.io WebSocket through with its upgrade', async () => {
    const client = connectLive(`http://127.0.0.1:${port}`, { token: t.adminToken });
    const snapshot = await client.waitForSnapshot();
    expect(snapshot.stages.length).toBeGreaterThan(0);
    client.close();
  });
});

describe('deploy/grafana-dashboard.json', () => {
  it('charts only series the server exports', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const series = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/salesboard_\w+/g) ?? []));
    // Series are registered where they are measured: the metrics service and the live module's own.
    const exported = ['server/src/observability/metrics.service.ts', 'server/src/live/live-metrics.ts']
      .map((file) => readFileSync(join(ROOT, file), 'utf8'))
      .join('\n');
    const known = (name: string) => exported.includes(`'${name.replace(/_(bucket|count|sum)$/, '')}'`) || /^salesboard_(nodejs|process)_/.test(name);
    expect(series.length).toBeGreaterThan(10);
    expect(series.filter((name) => !known(name))).toEqual([]);
  });
});
