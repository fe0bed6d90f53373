/**
 * The real server: server/dist/main.js with a database of its own, the simulator off, demo
 * data on (the seed the scenarios move deals of), on a fixed port so a restart keeps the URL
 * the swarm reconnects to.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpClient } from './http.mjs';
import { measuredProcess } from './launch.mjs';

export const SERVER_MAIN = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
export const CLIENT_INDEX = fileURLToPath(new URL('../../client/dist/index.html', import.meta.url));

export function assertBuilt() {
  const missing = [SERVER_MAIN, CLIENT_INDEX].filter((file) => !existsSync(file));
  if (missing.length) throw new Error(`not built: ${missing.join(', ')}; run \`npm run build\` first`);
}

/** Tokens live 15 minutes; a new one well before that keeps a long run signed in. */
const TOKEN_MAX_AGE_MS = 10 * 60_000;

export function salesboardServer({ databaseUrl, port }) {
  const baseUrl = `http://127.0.0.1:${port}`;
  const http = httpClient(baseUrl);
  // An admin for this run only, so writes work once REST needs a credential (issue 6); a fixed
  // JWT secret so tokens survive the restart in the reconnect scenario. Reads (the swarm's
  // sockets, the wallboard) stay anonymous, as on a wallboard with PUBLIC_READ=on.
  const admin = { email: 'bench@salesboard.invalid', password: randomBytes(18).toString('base64url') };
  let signedInAt = null;
  const process_ = measuredProcess({
    name: 'salesboard',
    entry: SERVER_MAIN,
    env: {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SIMULATOR: 'off',
      DEMO_DATA: 'on',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      PUBLIC_READ: 'on',
      // The ingest scenario writes ~1,000 changes a second as one admin: measure the write path, not the limit.
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
    },
    ready: async () => (await http.get('/api/health', { timeoutMs: 1000 })).status === 200,
  });
  return Object.assign(process_, {
    /**
     * Signs in as the run's admin when the server has accounts (POST /api/auth/login answers
     * 200) and sends the token with every request; a server without accounts answers 404 and
     * the requests go without one. Cheap to call often: it signs in again only when the token ages.
     */
    async signIn() {
      if (signedInAt !== null && Date.now() - signedInAt < TOKEN_MAX_AGE_MS) return;
      const res = await http.post('/api/auth/login', admin);
      if (res.status === 200 && res.json?.accessToken) {
        http.setToken(res.json.accessToken);
        signedInAt = Date.now();
      } else if (res.status === 404) {
        signedInAt = Date.now();
      } else {
        throw new Error(`sign-in as the bench admin failed: ${res.status} ${res.text.slice(0, 200)}`);
      }
    },
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
    http,
    async head() {
      const health = await http.get('/api/health');
      if (health.status !== 200) throw new Error(`health: ${health.status} ${health.text}`);
      return Number(health.json.seq);
    },
    /** A gauge from /metrics (Prometheus text), or null when the server has no such series. */
    async metric(name) {
      const res = await http.get('/metrics');
      if (res.status !== 200) return null;
      const line = res.text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.slice(name.length + 1)) : null;
    },
  });
}
