/**
 * A lean HTTP client for the load: node:http with keep-alive, because fetch's per-request
 * overhead in the driver would otherwise show up as CPU the server has to share.
 */
import http from 'node:http';
import { nowMs } from './clock.mjs';

export function httpClient(baseUrl, { maxSockets = 64 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(baseUrl);
  let authorization = null;

  function request(method, path, body, { timeoutMs = 30_000, retried = false } = {}) {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const startedAt = nowMs();
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...(authorization ? { authorization } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              json = null;
            }
            resolve({ status: res.statusCode, json, text, startedAt, ms: nowMs() - startedAt });
          });
        },
      );
      // A failed request is a data point (status 0), not an exception that stops the run.
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        // A kept-alive socket the server closed as this request went out: a GET is safe to send
        // again, once, on a fresh socket (node:http's documented answer to this race).
        if (method === 'GET' && !retried && req.reusedSocket && error.code === 'ECONNRESET')
          return void request(method, path, body, { timeoutMs, retried: true }).then(resolve);
        resolve({ status: 0, json: null, text: String(error), startedAt, ms: nowMs() - startedAt });
      });
      if (payload) req.write(payload);
      req.end();
    });
  }

  return {
    baseUrl,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    put: (path, body, options) => request('PUT', path, body, options),
    /** Sends `Authorization: Bearer <token>` with every request from now on (null: none). */
    setToken(token) {
      authorization = token ? `Bearer ${token}` : null;
    },
    close: () => agent.destroy(),
  };
}
