/**
 * The HTTP side of the simulated screens in one swarm worker: the GETs screen-model.mjs decides
 * to make, sent with the screen's credential, their bodies counted and dropped unparsed (a
 * browser would parse them, but that is the screen's CPU, not the server's). Counts what was
 * asked (per kind of call), what came back, what a newer reload aborted, and the bytes.
 */
import http from 'node:http';

/**
 * A browser keeps 6 connections per origin; thousands of browsers would keep thousands. One
 * worker stands for many of them, so it caps its own: beyond this, calls wait in the worker,
 * as they would have waited in the server's accept queue.
 */
const MAX_SOCKETS = 512;

export function screenStats() {
  return { issued: {}, completed: 0, aborted: 0, failed: 0, restBytes: 0, pageBytes: 0, socketBytes: 0, events: 0, gaps: 0, snapshots: 0 };
}

/** Adds worker totals into one, for the driver. */
export function addScreenStats(into, from) {
  for (const [key, value] of Object.entries(from)) {
    if (key === 'issued') for (const [name, n] of Object.entries(value)) into.issued[name] = (into.issued[name] ?? 0) + n;
    else into[key] = (into[key] ?? 0) + value;
  }
  return into;
}

/**
 * `get(name, path, done)` for screen-model.mjs, against `baseUrl`, with `token` as the bearer;
 * calls are counted under `<kind> <name>` ("tv kpis"), so each kind of screen can be told apart.
 */
export function screenHttp(baseUrl, stats) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const { hostname, port } = new URL(baseUrl);
  return (token, kind) => (name, path, done) => {
    const key = `${kind} ${name}`;
    stats.issued[key] = (stats.issued[key] ?? 0) + 1;
    let finished = false;
    const finish = () => {
      if (finished) return false;
      finished = true;
      done?.();
      return true;
    };
    const req = http.get(
      { agent, hostname, port, path, headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        const api = name !== 'page';
        res.on('data', (chunk) => {
          if (api) stats.restBytes += chunk.length;
          else stats.pageBytes += chunk.length;
        });
        res.on('end', () => {
          if (!finish()) return;
          if (res.statusCode >= 200 && res.statusCode < 300) stats.completed++;
          else stats.failed++;
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', () => {
      if (finish()) stats.failed++;
    });
    return {
      abort() {
        if (finished) return;
        finish();
        stats.aborted++;
        req.destroy();
      },
    };
  };
}
