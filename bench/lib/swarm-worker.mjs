/**
 * One swarm process: many raw WebSocket clients speaking just enough engine.io v4 /
 * socket.io v5 to be live clients of namespace /live. The point is to cost the machine as
 * little per delivery as possible, so the server is what gets measured:
 * - no socket.io-client: open packet → `40/live,{auth}`, answer ping `2` with `3`;
 * - frames stay Buffers; a logged event's seq is read from fixed byte offsets
 *   (`42/live,["event",{"seq":N,"type":"…`), never JSON-parsed, except on the sampled socket,
 *   which parses each event to map seq → deal and stage (how the driver matches its POSTs).
 * Reconnects like socket.io-client (1 s doubling to 5 s, ±50 % jitter) with auth since = last seq.
 * Controlled over IPC by swarm.mjs.
 */
import WebSocket from 'ws';
import { serve } from './children.mjs';
import { nowMs } from './clock.mjs';

const EVENT_PREFIX = Buffer.from('42/live,["event",{"seq":');
const HEAD_PREFIX = Buffer.from('42/live,["head",{"seq":');
const SNAPSHOT_PREFIX = Buffer.from('42/live,["snapshot",{"seq":');
const TYPE_MARK = ',"type":"'.length;
const MAX_RECONNECT_ATTEMPTS = 30;

const conns = [];
let deliveries = 0; // logged events received, all sockets
let derived = 0; // leaderboard/kpi events (they repeat the head seq)
let tracking = false;
let seqStats = new Map(); // seq → [count, firstAt, lastAt]
let samples = new Map(); // seq → "dealId>toStage"
let reconnecting = false;
let expectSeq = Infinity; // for reconnect: the seq every client must reach

/** Reads the decimal number at `offset`; returns [value, offset after it]. */
function readNumber(data, offset) {
  let value = 0;
  let i = offset;
  for (; i < data.length; i++) {
    const c = data[i];
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return [value, i];
}

function startsWith(data, prefix) {
  return data.length > prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

function advance(conn, seq, at) {
  if (seq > conn.lastSeq) conn.lastSeq = seq;
  if (conn.resyncedAt === null && conn.lastSeq >= expectSeq) conn.resyncedAt = at;
}

function onFrame(conn, data) {
  const kind = data[0];
  if (kind === 0x32 /* 2: ping */) return void conn.ws.send('3');
  if (kind === 0x30 /* 0: open */) return void conn.ws.send(`40/live,${JSON.stringify(conn.lastSeq >= 0 ? { since: conn.lastSeq } : {})}`);
  if (kind !== 0x34 /* 4: message */) return;
  const type = data[1];
  if (type === 0x32 /* 2: event */) {
    if (startsWith(data, EVENT_PREFIX)) {
      const at = nowMs();
      const [seq, end] = readNumber(data, EVENT_PREFIX.length);
      const first = data[end + TYPE_MARK];
      // Derived events (leaderboard.updated, kpi.updated) carry the head seq, not their own.
      if (first === 0x6c /* l */ || first === 0x6b /* k */) return void derived++;
      deliveries++;
      advance(conn, seq, at);
      if (tracking) {
        const stat = seqStats.get(seq);
        if (stat) {
          stat[0]++;
          stat[2] = at;
        } else seqStats.set(seq, [1, at, at]);
        if (conn.sampled) sample(data);
      }
    } else if (startsWith(data, SNAPSHOT_PREFIX)) {
      advance(conn, readNumber(data, SNAPSHOT_PREFIX.length)[0], nowMs());
      conn.snapshots++;
    } else if (startsWith(data, HEAD_PREFIX)) {
      conn.heads++;
    }
  } else if (type === 0x30 /* 0: connected */) {
    conn.connected = true;
    conn.attempts = 0;
    conn.settle?.(true);
  } else if (type === 0x34 /* 4: connect_error */) {
    conn.error = data.toString('utf8');
    conn.settle?.(false);
  }
}

function sample(data) {
  const [, event] = JSON.parse(data.toString('utf8', '42/live,'.length));
  const payload = event.payload;
  if (payload?.deal?.id) samples.set(event.seq, `${payload.deal.id}>${payload.to ?? ''}`);
}

function open(conn) {
  conn.connected = false;
  const ws = new WebSocket(conn.url, { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: 15_000 });
  conn.ws = ws;
  ws.on('message', (data) => onFrame(conn, data));
  ws.on('error', (error) => {
    conn.error = error.message;
  });
  ws.on('close', () => {
    const was = conn.connected;
    conn.connected = false;
    conn.settle?.(false);
    if (was) conn.drops++;
    if (reconnecting && !conn.closing) scheduleReconnect(conn);
  });
}

/** socket.io-client's backoff: 1000 ms × 2^attempt, capped at 5000, ±50 % jitter. */
function scheduleReconnect(conn) {
  if (conn.attempts >= MAX_RECONNECT_ATTEMPTS) return;
  const base = Math.min(1000 * 2 ** conn.attempts, 5000);
  const deviation = Math.floor(Math.random() * 0.5 * base);
  const delay = Math.min(Math.random() < 0.5 ? base - deviation : base + deviation, 5000);
  conn.attempts++;
  conn.timer = setTimeout(() => open(conn), delay);
}

/** Opens `count` sockets, at most `parallel` handshakes at a time; resolves when all settled. */
async function connect({ url, count, since, sampled, parallel = 50, timeoutMs = 60_000 }) {
  const startedAt = nowMs();
  const fresh = [];
  for (let i = 0; i < count; i++) {
    fresh.push({
      url,
      ws: null,
      lastSeq: since ?? -1,
      sampled: sampled && conns.length === 0 && i === 0,
      connected: false,
      closing: false,
      attempts: 0,
      drops: 0,
      heads: 0,
      snapshots: 0,
      resyncedAt: null,
      error: null,
      settle: null,
      timer: null,
    });
  }
  let next = 0;
  let ok = 0;
  let failed = 0;
  const deadline = startedAt + timeoutMs;
  async function lane() {
    while (next < fresh.length && nowMs() < deadline) {
      const conn = fresh[next++];
      conns.push(conn);
      const settled = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), Math.max(1, deadline - nowMs()));
        conn.settle = (value) => {
          clearTimeout(timer);
          conn.settle = null;
          resolve(value);
        };
        open(conn);
      });
      if (settled) ok++;
      else failed++;
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
  return { connected: ok, failed: failed + (fresh.length - next), ms: nowMs() - startedAt, error: fresh.find((c) => c.error)?.error ?? null };
}

async function closeAll() {
  reconnecting = false;
  await Promise.all(
    conns.map(
      (conn) =>
        new Promise((resolve) => {
          conn.closing = true;
          clearTimeout(conn.timer);
          const ws = conn.ws;
          if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 3000);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close();
        }),
    ),
  );
  const closed = conns.length;
  conns.length = 0;
  return { closed };
}

serve({
  connect,
  closeAll,
  track({ on }) {
    tracking = on;
    seqStats = new Map();
    samples = new Map();
    return true;
  },
  collect() {
    const result = { stats: [...seqStats].map(([seq, s]) => [seq, ...s]), samples: [...samples] };
    seqStats = new Map();
    samples = new Map();
    return result;
  },
  counters: () => ({
    deliveries,
    derived,
    sockets: conns.length,
    connected: conns.reduce((n, c) => n + (c.connected ? 1 : 0), 0),
    drops: conns.reduce((n, c) => n + c.drops, 0),
    snapshots: conns.reduce((n, c) => n + c.snapshots, 0),
  }),
  reconnect({ enabled }) {
    reconnecting = enabled;
    return true;
  },
  expect({ seq }) {
    expectSeq = seq ?? Infinity;
    for (const conn of conns) conn.resyncedAt = conn.lastSeq >= expectSeq ? nowMs() : null;
    return true;
  },
  resynced: () => ({
    count: conns.reduce((n, c) => n + (c.connected && c.resyncedAt !== null ? 1 : 0), 0),
    times: conns.map((c) => c.resyncedAt),
  }),
});
