/**
 * Broadcasts written in slices (src/live/sliced-broadcast.ts), on a real socket.io server with
 * real clients: every socket gets every frame once and in the order sent, the event loop gets
 * turns while a big broadcast is written, and who gets a frame is decided when it is sent.
 * This also pins the socket.io internals the slicing calls: a version that changes them fails here.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { SlicedAdapter } from '../src/live/sliced-broadcast.js';

const CLIENTS = 400;
/** Together well over the longest slice: 16 ms, which an idle loop such as this test's gets. */
const FRAMES = 12;
/** Big enough that one frame to every client takes well over a busy loop's slice (4 ms). */
const PAYLOAD = 'x'.repeat(2_000);

describe('sliced broadcasts', () => {
  let http: HttpServer;
  let server: Server;
  let clients: Socket[] = [];
  const serverSockets: ServerSocket[] = [];
  let written = 0;
  const received = new Map<Socket, number[]>();

  beforeAll(async () => {
    http = createServer();
    server = new Server(http, { adapter: SlicedAdapter, transports: ['websocket'] });
    server.on('connection', (socket) => {
      void socket.join('room');
      socket.onAnyOutgoing(() => written++);
      serverSockets.push(socket);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    clients = await Promise.all(
      Array.from(
        { length: CLIENTS },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
            received.set(client, []);
            client.on('n', (n: number) => received.get(client)!.push(n));
            client.once('connect', () => resolve(client));
            client.once('connect_error', reject);
          }),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    written = 0;
    for (const list of received.values()) list.length = 0;
  });

  const everyoneHas = (count: number) => [...received.values()].every((list) => list.length >= count);
  async function until(test: () => boolean, timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    while (!test()) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('gets every frame to every socket once, in the order sent, and lets the event loop in meanwhile', async () => {
    for (let n = 0; n < FRAMES; n++) server.local.to('room').emit('n', n, PAYLOAD);
    const writtenWhenSent = written;
    const writtenAtFirstTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(written)));
    // Not all at once: the loop had a turn before the last write.
    expect(writtenWhenSent).toBeLessThan(CLIENTS * FRAMES);
    expect(writtenAtFirstTurn).toBeLessThan(CLIENTS * FRAMES);
    await until(() => everyoneHas(FRAMES));
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more arrives
    const expected = Array.from({ length: FRAMES }, (_, n) => n);
    for (const list of received.values()) expect(list).toEqual(expected);
    expect(written).toBe(CLIENTS * FRAMES);
  });

  it('sends to who was in the room when the frame was sent: a socket that joins meanwhile gets only later frames', async () => {
    const latecomer = serverSockets[0];
    await latecomer.leave('room');
    server.local.to('room').emit('n', 0, PAYLOAD);
    server.local.to('room').emit('n', 1, PAYLOAD);
    await latecomer.join('room'); // while frames 0 and 1 are still being written
    server.local.to('room').emit('n', 2, PAYLOAD);
    await until(() => [...received.values()].filter((list) => list.length === 3).length === CLIENTS - 1);
    const latecomerClient = clients.find((client) => client.id === latecomer.id)!;
    await until(() => received.get(latecomerClient)!.length === 1);
    expect(received.get(latecomerClient)).toEqual([2]);
  });

  it('keeps the order when a cluster-wide send follows frames still being written', async () => {
    server.local.to('room').emit('n', 0, PAYLOAD);
    server.local.to('room').emit('n', 1, PAYLOAD);
    server.to('room').emit('n', 2, PAYLOAD); // not local: written at once, after what is queued
    await until(() => everyoneHas(3));
    for (const list of received.values()) expect(list).toEqual([0, 1, 2]);
  });
});
