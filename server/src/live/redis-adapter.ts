/**
 * With REDIS_URL, socket.io's Redis adapter links the nodes, so an operation on a socket (a
 * revoked display, say) reaches it on whichever node holds it. The live stream itself does not
 * travel through Redis: each node reads the event log and emits locally.
 */
import { Logger } from '@nestjs/common';
import { RedisAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Namespace, Server } from 'socket.io';
import { sliced } from './sliced-broadcast.js';

/** Local broadcasts in slices, as on a single node (sliced-broadcast.ts). */
const SlicedRedisAdapter = sliced(RedisAdapter);

export function attachRedisAdapter(server: Server, redisUrl: string): void {
  const logger = new Logger('RedisAdapter');
  // Commands wait for Redis to come back rather than fail: the adapter does not catch them.
  const pub = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  // socket.io calls it with `new`, as createAdapter's: a function, not an arrow.
  server.adapter(function linkedAdapter(namespace: Namespace) {
    return new SlicedRedisAdapter(namespace, pub, sub);
  } as unknown as Parameters<Server['adapter']>[0]);
  const close = server.close.bind(server);
  server.close = (fn?: (err?: Error) => void) =>
    // The adapter unsubscribes while closing: quit after that, so its last commands get answers.
    close((error?: Error) => {
      for (const client of [pub, sub]) {
        // quit waits for pending replies; while Redis is away it would wait forever.
        if (client.status === 'ready') void client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }
      fn?.(error);
    });
}
