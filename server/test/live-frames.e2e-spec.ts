import { type Ack, isSequencedEvent, LIVE_NAMESPACE, type LiveEvent, SOCKET_PATH } from '@salesboard/shared';
import { io, type Socket } from 'socket.io-client';
import { bootTestApp, type TestApp } from './support/app.js';
import { createOrg, type Org } from './support/fixtures.js';

/** A raw socket.io client that records frames as they came, not only the events in them. */
function frameRecorder(baseUrl: string, token: string) {
  const socket: Socket = io(`${baseUrl}${LIVE_NAMESPACE}`, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
  });
  const frames: { name: string; events: LiveEvent[] }[] = [];
  // Logged events only: derived ones (boards, KPIs) repeat the head's seq and come on their own.
  socket.onAny((name: string, body: unknown) => {
    if (name === 'event' && isSequencedEvent(body as LiveEvent)) frames.push({ name, events: [body as LiveEvent] });
    if (name === 'events') frames.push({ name, events: body as LiveEvent[] });
  });
  const caughtUp = new Promise<void>((resolve) => socket.once('head', () => resolve()));
  return { socket, frames, caughtUp };
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the /live namespace sends fewer frames than events, and keeps its rules without Nest plumbing', () => {
  let t: TestApp;
  let org: Org;
  const sockets: Socket[] = [];
  const recorder = () => {
    const made = frameRecorder(t.baseUrl, t.adminToken);
    sockets.push(made.socket);
    return made;
  };

  beforeAll(async () => {
    t = await bootTestApp();
    org = await createOrg(t.api);
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  afterAll(async () => t.close());

  it('delivers a burst of changes in fewer frames than changes, every event once, in seq order without a gap', async () => {
    const client = recorder();
    await client.caughtUp;
    const burst = 24;
    await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        t.keyApi
          .post('/api/activities')
          .send({ repId: org.reps[i % org.reps.length].id, type: 'call' })
          .expect(201),
      ),
    );
    const logged = () => client.frames.flatMap((frame) => frame.events).filter((event) => event.type === 'activity.logged');
    await until(() => logged().length >= burst, `${burst} activity.logged events`);

    const seqs = client.frames.flatMap((frame) => frame.events).map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    expect(logged()).toHaveLength(burst);
    expect(client.frames.length).toBeLessThan(burst);
    expect(client.frames.some((frame) => frame.name === 'events' && frame.events.length > 1)).toBe(true);
  });

  it('sends a lone change at once, as one `event` frame', async () => {
    const client = recorder();
    await client.caughtUp;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the window of anything before is over
    await t.keyApi.post('/api/activities').send({ repId: org.reps[0].id, type: 'email' }).expect(201);
    await until(() => client.frames.length > 0, 'the frame');
    expect(client.frames).toEqual([{ name: 'event', events: [expect.objectContaining({ type: 'activity.logged' })] }]);
  });

  it('answers an unknown message, and a subscribe it cannot read, naming what is wrong', async () => {
    const { socket, caughtUp } = recorder();
    await caughtUp;
    const unknown = (await socket.timeout(5000).emitWithAck('shout', { loud: true })) as Ack;
    expect(unknown).toEqual({ ok: false, error: 'message: "shout" is not one of subscribe, resync' });
    const bad = (await socket.timeout(5000).emitWithAck('subscribe', { teamId: 'not-a-uuid' })) as Ack;
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.error).toMatch(/^teamId: /);
    const resync = (await socket.timeout(5000).emitWithAck('resync', { since: -1 })) as Ack;
    expect(resync.ok === false && resync.error).toMatch(/^since: /);
    const good = (await socket.timeout(5000).emitWithAck('subscribe', { teamId: org.team.id })) as Ack;
    expect(good).toEqual({ ok: true });
  });

  it('cuts off a socket that sends more than 30 messages in 10 seconds', async () => {
    const { socket, caughtUp } = recorder();
    await caughtUp;
    const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 30; i++) expect(await socket.timeout(2000).emitWithAck('subscribe', {})).toEqual({ ok: true });
    const over = socket
      .timeout(2000)
      .emitWithAck('subscribe', {})
      .catch((error: Error) => error.message);
    expect(await reason).toBe('io server disconnect');
    expect(await over).not.toEqual({ ok: true });
  });
});
