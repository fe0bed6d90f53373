import { Inject, Logger } from '@nestjs/common';
import { type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import {
  type Ack,
  type ClientToServerEvents,
  handshakeAuthSchema,
  LIVE_NAMESPACE,
  type ResyncResult,
  resyncSchema,
  SOCKET_PATH,
  subscribeSchema,
} from '@salesboard/shared';
import type { z } from 'zod';
import { ANONYMOUS_VIEWER } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { FIGURES_FORBIDDEN, type Principal, READ_SCOPE_MISSING, readsData } from '../auth/principal.js';
import { describeIssues } from '../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { EventAudience } from './event-audience.js';
import { type LiveNamespace, LivePublisher, type LiveSocket } from './live.publisher.js';

/** Messages a socket may send per window; a client that floods is cut off. */
const MESSAGES_PER_WINDOW = 30;
const WINDOW_MS = 10_000;

/** The messages a client may send; anything else is answered, not left hanging until its ack times out. */
const MESSAGES: readonly string[] = ['subscribe', 'resync'] satisfies (keyof ClientToServerEvents)[];

/** What the gateway keeps of a socket's messages, in `socket.data` (no closure per socket). */
interface MessageWindow {
  windowStart: number;
  messages: number;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    error: describeIssues(result.error.issues)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; '),
  };
}

function answer<T>(ack: unknown, result: T): void {
  if (typeof ack === 'function') (ack as (result: T) => void)(result);
}

/**
 * Every message of a socket passes here first (socket.io's `onAny`, which runs before the
 * message's own listener): a socket over its rate is cut off, which also drops the message, and
 * an unknown message is answered.
 */
function screenMessage(this: LiveSocket, name: unknown, ...args: unknown[]): void {
  const window = this.data as MessageWindow;
  const now = Date.now();
  if (now - window.windowStart > WINDOW_MS) {
    window.windowStart = now;
    window.messages = 0;
  }
  if (++window.messages > MESSAGES_PER_WINDOW) {
    this.disconnect(true);
    return;
  }
  if (typeof name === 'string' && MESSAGES.includes(name)) return;
  answer<Ack>(args[args.length - 1], { ok: false, error: `message: "${String(name)}" is not one of ${MESSAGES.join(', ')}` });
}

/**
 * Namespace `/live`. The handshake is checked in socket.io middleware, because Nest guards do
 * not run on connection; every message body is validated against the shared schema and a bad
 * one is answered with `{ ok: false, error }` naming the field.
 *
 * Nest creates the namespace, but the handlers are bound here, on the namespace, with one
 * function per message shared by every socket: Nest's @SubscribeMessage would give each socket
 * its own rxjs pipeline per message (about 12 KB a socket, half of what a socket cost), and
 * the adapter (app.ts) binds no per-socket plumbing of its own.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, path: SOCKET_PATH, transports: ['websocket', 'polling'] })
export class LiveGateway implements OnGatewayInit<LiveNamespace> {
  private readonly logger = new Logger(LiveGateway.name);

  constructor(
    private readonly publisher: LivePublisher,
    private readonly auth: AuthService,
    private readonly audience: EventAudience,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    namespace.use((socket, next) => {
      const auth = parse(handshakeAuthSchema, socket.handshake.auth ?? {});
      if (!auth.ok) return next(new Error(`handshake: ${auth.error}`));
      socket.data.since = auth.data.since;
      this.principalOf(auth.data.token).then(
        (principal) => {
          if (!principal) return next(new Error('unauthorized: a valid credential is required in auth.token'));
          // Every frame is a read (snapshot, events, resync): the credential must be one REST lets read.
          if (!readsData(principal)) return next(new Error(READ_SCOPE_MISSING));
          socket.data.principal = principal;
          socket.data.role = principal.role;
          next();
        },
        () => next(new Error('unavailable: could not check the credential, retry shortly')),
      );
    });
    // Socket.io calls a listener with the socket as `this`: one function serves every socket.
    const subscribe = (socket: LiveSocket, body: unknown): Ack => this.subscribe(socket, body);
    const resync = (socket: LiveSocket, body: unknown): Promise<ResyncResult> => this.resync(socket, body);
    const logger = this.logger;
    function onSubscribe(this: LiveSocket, body: unknown, ack?: unknown): void {
      answer(ack, subscribe(this, body));
    }
    function onResync(this: LiveSocket, body: unknown, ack?: unknown): void {
      resync(this, body).then(
        (result) => answer(ack, result),
        (error: unknown) => {
          logger.warn(`could not answer a resync of socket ${this.id}: ${String(error)}`);
          answer<ResyncResult>(ack, { ok: false, error: 'unavailable: could not read the event log, retry shortly' });
        },
      );
    }
    namespace.on('connection', (socket) => {
      const window = socket.data as MessageWindow;
      window.windowStart = Date.now();
      window.messages = 0;
      socket.onAny(screenMessage);
      socket.on('subscribe', onSubscribe);
      socket.on('resync', onResync);
      void this.connected(socket);
    });
    this.publisher.attach(namespace);
  }

  private async principalOf(token: string | undefined): Promise<Principal | null> {
    if (token) return this.auth.authenticate(token);
    return this.config.publicRead ? ANONYMOUS_VIEWER : null;
  }

  private async connected(socket: LiveSocket): Promise<void> {
    const principal = socket.data.principal as Principal;
    // A room per credential, so revoking one can drop its sockets on every node.
    void socket.join(`${principal.kind}:${principal.id}`);
    try {
      await this.publisher.catchUp(socket, socket.data.since as number | undefined);
    } catch (error) {
      this.logger.warn(`could not catch up socket ${socket.id}: ${String(error)}`);
      socket.disconnect(true);
    }
  }

  private async resync(socket: LiveSocket, body: unknown): Promise<ResyncResult> {
    const input = parse(resyncSchema, body);
    if (!input.ok) return { ok: false, error: input.error };
    return this.publisher.resync(socket.data.principal as Principal, input.data.since);
  }

  /** The same rule as GET /api/kpis: a socket may follow only the figures its credential may read. */
  private subscribe(socket: LiveSocket, body: unknown): Ack {
    const input = parse(subscribeSchema, body);
    if (!input.ok) return { ok: false, error: input.error };
    const principal = socket.data.principal as Principal;
    if (!this.audience.mayReadFigures(principal, input.data)) return { ok: false, error: FIGURES_FORBIDDEN };
    this.publisher.subscribe(socket, input.data);
    return { ok: true };
  }
}
