/** Starts the reference server (reference-server.mjs) as a measured child process. */
import { fileURLToPath } from 'node:url';
import { httpClient } from './http.mjs';
import { freePort, measuredProcess } from './launch.mjs';

const ENTRY = fileURLToPath(new URL('./reference-server.mjs', import.meta.url));

export async function referenceServer({ databaseUrl }) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const http = httpClient(baseUrl);
  const handle = measuredProcess({
    name: 'reference',
    entry: ENTRY,
    env: databaseUrl ? { PORT: String(port), REF_DATABASE_URL: databaseUrl } : { PORT: String(port) },
    ready: async () => (await http.get('/health', { timeoutMs: 1000 })).status === 200,
  });
  await handle.start();
  return Object.assign(handle, { baseUrl, http, wsUrl: `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket` });
}
