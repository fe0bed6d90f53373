import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { type Ack, handshakeAuthSchema, LIVE_NAMESPACE, type ResyncResult, resyncSchema, SOCKET_PATH, subscribeSchema } from '@salesboard/shared';
import type { z } from 'zod';
import { describeIssues } from '../common/zod-validation.pipe.js';
import { type LiveNamespace, LivePublisher, type LiveSocket } from './live.publisher.js';

function parse<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, error: describeIssues(result.error.issues).map((i) => `${i.path}: ${i.message}`).join('; ') };
}

/**
 * Namespace `/live`. The handshake is checked in socket.io middleware, because Nest guards do
 * not run on connection; every message body is validated against the shared schema and a bad
 * one is answered with `{ ok: false, error }` naming the field.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, path: SOCKET_PATH, transports: ['websocket', 'polling'] })
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket> {
  private readonly logger = new Logger(LiveGateway.name);

  constructor(private readonly publisher: LivePublisher) {}

  afterInit(namespace: LiveNamespace): void {
    namespace.use((socket, next) => {
      const auth = parse(handshakeAuthSchema, socket.handshake.auth ?? {});
      if (!auth.ok) return next(new Error(`handshake: ${auth.error}`));
      socket.data.since = auth.data.since;
      next();
    });
    this.publisher.attach(namespace);
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    try {
      await this.publisher.catchUp(socket, socket.data.since as number | undefined);
    } catch (error) {
      this.logger.warn(`could not catch up socket ${socket.id}: ${String(error)}`);
      socket.disconnect(true);
    }
  }

  @SubscribeMessage('resync')
  async resync(@MessageBody() body: unknown): Promise<ResyncResult> {
    const input = parse(resyncSchema, body);
    if (!input.ok) return { ok: false, error: input.error };
    return this.publisher.resync(input.data.since);
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Ack {
    const input = parse(subscribeSchema, body);
    if (!input.ok) return { ok: false, error: input.error };
    socket.data.scope = input.data;
    return { ok: true };
  }
}
