/**
 * One swarm process: many raw WebSocket clients speaking just enough engine.io v4 /
 * socket.io v5 to be live clients of namespace /live. The point is to cost the machine as
 * little per delivery as possible, so the server is what gets measured:
 * - no socket.io-client: open packet → `40/live,{auth}`, answer ping `2` with `3`;
 * - frames stay Buffers; a logged event's seq is read from fixed byte offsets
 *   (`42/live,["event",{"seq":N,"type":"…`), never JSON-parsed, except on the sampled socket,
 *   which parses each event to map seq → deal and stage (how the driver matches its POSTs);
 * - an `events` frame (logged events the server coalesced) counts as the events in it: each
 *   element starts `{"seq":N,"type":"`, and an element counts when its seq follows the one
 *   before it (the frame is gap-free), so a seq-like string inside a payload is never counted.
 * Reconnects like socket.io-client (1 s doubling to 5 s, ±50 % jitter) with auth since = last seq.
 * A client may instead be a screen (the floor scenario): it signs in with a credential,
 * subscribes, reads each event's type and makes the REST calls screen-model.mjs says the real
 * client would.
 * Controlled over IPC by swarm.mjs.
 */
import WebSocket from 'ws';
import { serve } from './children.mjs';
import { nowMs } from './clock.mjs';
import { screenHttp, screenStats } from './screen-client.mjs';
import { screen } from './screen-model.mjs';

const EVENT_PREFIX = Buffer.from('42/live,["event",{"seq":');
const EVENTS_PREFIX = Buffer.from('42/live,["events",[{"seq":');
const NEXT_ELEMENT = Buffer.from('},{"seq":');
const HEAD_PREFIX = Buffer.from('42/live,["head",{"seq":');
/** Derived events computed together (boards, KPIs): counted, never applied by a screen (screen-model.mjs). */
const FIGURES_PREFIX = Buffer.from('42/live,["figures",');
const SNAPSHOT_PREFIX = Buffer.from('42/live,["snapshot",{"seq":');
const TYPE_MARK = ',"type":"'.length;
const MAX_RECONNECT_ATTEMPTS = 30;

const conns = [];
let deliveries = 0; // logged events received, all sockets
let derived = 0; // leaderboard/kpi events (they repeat the head seq)
let eventFrames = 0; // frames that carried logged events (`event` or `events`), all sockets
let tracking = false;
let seqStats = new Map(); // seq → [count, firstAt, lastAt]
let samples = new Map(); // seq → "dealId>toStage"
let reconnecting = false;
let expectSeq = Infinity; // for reconnect: the seq every client must reach
let screens = screenStats();
let screenGet = null; // per base URL, made on the first screen

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

/** The event's type string, read from the frame (it ends at the next quote). */
function readType(data, offset) {
  return data.toString('utf8', offset, data.indexOf(0x22 /* " */, offset));
}

/** What a screen's client would do with one event frame; see screen-model.mjs. */
function screenEvent(conn, data, seq, end) {
  const type = readType(data, end + TYPE_MARK);
  if (type === 'leaderboard.updated' || type === 'kpi.updated') return void conn.screen.event({ type });
  if (seq <= conn.lastSeq) return; // a duplicate: the board store drops it unseen
  if (conn.lastSeq >= 0 && seq > conn.lastSeq + 1) screens.gaps++;
  screens.events++;
  if (type === 'event.hidden') return;
  // Only org changes need their payload (which list or board changed); they are rare.
  const payload = type === 'org.changed' ? JSON.parse(data.toString('utf8', '42/live,'.length))[1].payload : null;
  conn.screen.event({ type, entity: payload?.entity, id: payload?.id });
}

function handshake(conn) {
  const auth = { ...(conn.token ? { token: conn.token } : {}), ...(conn.lastSeq >= 0 ? { since: conn.lastSeq } : {}) };
  conn.ws.send(`40/live,${JSON.stringify(auth)}`);
}

function onFrame(conn, data) {
  if (conn.screen) screens.socketBytes += data.length;
  const kind = data[0];
  if (kind === 0x32 /* 2: ping */) return void conn.ws.send('3');
  if (kind === 0x30 /* 0: open */) return void handshake(conn);
  if (kind !== 0x34 /* 4: message */) return;
  const type = data[1];
  if (type === 0x32 /* 2: event */) {
    if (startsWith(data, EVENT_PREFIX)) {
      const [seq, end] = readNumber(data, EVENT_PREFIX.length);
      if (loggedEvent(conn, data, seq, end, nowMs(), true)) eventFrames++;
    } else if (startsWith(data, EVENTS_PREFIX)) {
      const at = nowMs();
      eventFrames++;
      let [seq, end] = readNumber(data, EVENTS_PREFIX.length);
      loggedEvent(conn, data, seq, end, at, false);
      for (let next = data.indexOf(NEXT_ELEMENT, end); next !== -1; next = data.indexOf(NEXT_ELEMENT, end)) {
        const [following, after] = readNumber(data, next + NEXT_ELEMENT.length);
        end = after;
        if (following !== seq + 1) continue; // not an element: a payload that looks like one
        seq = following;
        loggedEvent(conn, data, seq, end, at, false);
      }
      if (tracking && conn.sampled) sampleAll(data);
    } else if (startsWith(data, SNAPSHOT_PREFIX)) {
      // A snapshot may be older than what was applied (the client takes it as the truth at its seq).
      if (conn.screen) conn.lastSeq = -1;
      advance(conn, readNumber(data, SNAPSHOT_PREFIX.length)[0], nowMs());
      conn.snapshots++;
      if (conn.screen) {
        screens.snapshots++;
        conn.screen.snapshot();
      }
    } else if (startsWith(data, FIGURES_PREFIX)) {
      derived++;
    } else if (startsWith(data, HEAD_PREFIX)) {
      conn.heads++;
    }
  } else if (type === 0x30 /* 0: connected */) {
    conn.connected = true;
    conn.attempts = 0;
    // stores/live.ts: on every (re)connect the page's scope is subscribed again.
    if (conn.screen) conn.ws.send(`42/live,${JSON.stringify(['subscribe', conn.screen.subscribe])}`);
    conn.settle?.(true);
  } else if (type === 0x34 /* 4: connect_error */) {
    conn.error = data.toString('utf8');
    conn.settle?.(false);
  }
}

/** One logged event of a frame (`end`: the offset after its seq); `single`: the frame holds it alone. */
function loggedEvent(conn, data, seq, end, at, single) {
  if (conn.screen) screenEvent(conn, data, seq, end);
  const first = data[end + TYPE_MARK];
  // Derived events (leaderboard.updated, kpi.updated) carry the head seq, not their own.
  if (first === 0x6c /* l */ || first === 0x6b /* k */) {
    derived++;
    return false;
  }
  deliveries++;
  advance(conn, seq, at);
  if (tracking) {
    const stat = seqStats.get(seq);
    if (stat) {
      stat[0]++;
      stat[2] = at;
    } else seqStats.set(seq, [1, at, at]);
    if (single && conn.sampled) sample(data);
  }
  return true;
}

function sampleAll(data) {
  const [, events] = JSON.parse(data.toString('utf8', '42/live,'.length));
  for (const event of events) if (event.payload?.deal?.id) samples.set(event.seq, `${event.payload.deal.id}>${event.payload.to ?? ''}`);
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

/**
 * Opens `count` sockets, at most `parallel` handshakes at a time; resolves when all settled.
 * With `specs` (and `baseUrl`), one screen per spec instead: `{ token, ...screen-model spec }`;
 * each starts its page (its first REST calls) as its socket opens.
 */
async function connect({ url, count, since, sampled, parallel = 50, timeoutMs = 60_000, specs = null, baseUrl = null }) {
  const startedAt = nowMs();
  const fresh = [];
  if (specs) {
    count = specs.length;
    screenGet ??= screenHttp(baseUrl, screens);
  }
  for (let i = 0; i < count; i++) {
    const spec = specs?.[i];
    fresh.push({
      url,
      ws: null,
      token: spec?.token ?? null,
      screen: spec ? screen(spec, screenGet(spec.token, spec.kind)) : null,
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
        conn.screen?.start();
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
          conn.screen?.stop();
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
    eventFrames,
    sockets: conns.length,
    connected: conns.reduce((n, c) => n + (c.connected ? 1 : 0), 0),
    drops: conns.reduce((n, c) => n + c.drops, 0),
    snapshots: conns.reduce((n, c) => n + c.snapshots, 0),
  }),
  /** The screens' totals so far (the driver takes differences over its window). */
  screenCounters: () => screens,
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
