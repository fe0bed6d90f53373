import { Inject, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
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

function limitMessages(socket: LiveSocket): void {
  let windowStart = Date.now();
  let count = 0;
  socket.use((_packet, next) => {
    const now = Date.now();
    if (now - windowStart > WINDOW_MS) {
      windowStart = now;
      count = 0;
    }
    if (++count > MESSAGES_PER_WINDOW) {
      next(new Error('rate limit: too many messages'));
      socket.disconnect(true);
      return;
    }
    next();
  });
}

/** The messages a client may send; anything else is answered, not left hanging until its ack times out. */
const MESSAGES: readonly string[] = ['subscribe', 'resync'] satisfies (keyof ClientToServerEvents)[];

function answerUnknownMessages(socket: LiveSocket): void {
  socket.use((packet, next) => {
    const [name] = packet;
    if (MESSAGES.includes(name)) return next();
    const ack = packet[packet.length - 1] as unknown;
    if (typeof ack === 'function') (ack as (result: Ack) => void)({ ok: false, error: `message: "${String(name)}" is not one of ${MESSAGES.join(', ')}` });
  });
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

/**
 * Namespace `/live`. The handshake is checked in socket.io middleware, because Nest guards do
 * not run on connection; every message body is validated against the shared schema and a bad
 * one is answered with `{ ok: false, error }` naming the field.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, path: SOCKET_PATH, transports: ['websocket', 'polling'] })
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket> {
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
    this.publisher.attach(namespace);
  }

  private async principalOf(token: string | undefined): Promise<Principal | null> {
    if (token) return this.auth.authenticate(token);
    return this.config.publicRead ? ANONYMOUS_VIEWER : null;
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const principal = socket.data.principal as Principal;
    // A room per credential, so revoking one can drop its sockets on every node.
    void socket.join(`${principal.kind}:${principal.id}`);
    limitMessages(socket);
    answerUnknownMessages(socket);
    try {
      await this.publisher.catchUp(socket, socket.data.since as number | undefined);
    } catch (error) {
      this.logger.warn(`could not catch up socket ${socket.id}: ${String(error)}`);
      socket.disconnect(true);
    }
  }

  @SubscribeMessage('resync')
  async resync(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<ResyncResult> {
    const input = parse(resyncSchema, body);
    if (!input.ok) return { ok: false, error: input.error };
    return this.publisher.resync(socket.data.principal as Principal, input.data.since);
  }

  /** The same rule as GET /api/kpis: a socket may follow only the figures its credential may read. */
  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Ack {
    const input = parse(subscribeSchema, body);
    if (!input.ok) return { ok: false, error: input.error };
    const principal = socket.data.principal as Principal;
    if (!this.audience.mayReadFigures(principal, input.data)) return { ok: false, error: FIGURES_FORBIDDEN };
    this.publisher.subscribe(socket, input.data);
    return { ok: true };
  }
}
