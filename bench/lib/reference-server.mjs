/**
 * The socket.io reference: the same socket.io package, namespace, path and transport as
 * Salesboard, and nothing else. Clients join one room on connect and get `head`, like the
 * real server's caught-up sockets; events are broadcast to that room.
 *
 * Fed two ways: POST /change { type, payload, db } (broadcast one event; with `db` it first
 * commits the PostgreSQL reference transaction on REF_DATABASE_URL and uses its seq), and the
 * IPC op `emitRate` (broadcast at a rate, for the fan-out ceiling). Run as a child process with
 * the probe preloaded; see reference.mjs.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';
import { serve } from './children.mjs';
import { referenceChange } from './pg-reference.mjs';

const ROOM = 'live';
const port = Number(process.env.PORT);
const pool = process.env.REF_DATABASE_URL ? new pg.Pool({ connectionString: process.env.REF_DATABASE_URL, max: 4 }) : null;
let seq = 0;

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.end('ok');
  if (req.method !== 'POST' || req.url !== '/change') return void res.writeHead(404).end();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const change = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      let eventSeq;
      if (change.db && pool) {
        const client = await pool.connect();
        try {
          eventSeq = await referenceChange(client, change);
        } finally {
          client.release();
        }
        seq = Math.max(seq, eventSeq);
      } else {
        eventSeq = ++seq;
      }
      const startedAt = performance.now();
      broadcast({ seq: eventSeq, type: change.type ?? 'deal.stageChanged', at: new Date().toISOString(), payload: change.payload });
      // How long the synchronous broadcast held the event loop: the fan-out's own cost.
      const broadcastMs = performance.now() - startedAt;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seq: eventSeq, broadcastMs }));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
});

// The options the real server sets explicitly (live.gateway.ts, app.ts), nothing more.
const io = new Server(http, {
  path: '/socket.io',
  transports: ['websocket'],
  serveClient: false,
  maxHttpBufferSize: 16 * 1024,
  pingInterval: 25_000,
  pingTimeout: 20_000,
});
const live = io.of('/live');
live.on('connection', (socket) => {
  socket.join(ROOM);
  socket.emit('head', { seq });
});
setInterval(() => live.to(ROOM).emit('head', { seq }), 5_000).unref();

function broadcast(event) {
  live.to(ROOM).emit('event', event);
}

serve({
  /** Broadcasts `payloads` round-robin at `rate` per second for `durationSec`, in 10 ms ticks. */
  async emitRate({ rate, durationSec, payloads }) {
    const startedAt = performance.now();
    let sent = 0;
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - startedAt;
        const due = Math.min(5000, Math.floor((rate * Math.min(elapsed, durationSec * 1000)) / 1000) - sent);
        for (let i = 0; i < due; i++, sent++) {
          broadcast({ seq: ++seq, type: 'deal.stageChanged', at: new Date().toISOString(), payload: payloads[sent % payloads.length] });
        }
        if (elapsed >= durationSec * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    return { sent, seq };
  },
  sockets: () => live.sockets.size,
});

http.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  void pool?.end();
  process.exit(0);
});
