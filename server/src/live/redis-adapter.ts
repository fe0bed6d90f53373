/**
 * With REDIS_URL, socket.io's Redis adapter links the nodes, so an operation on a socket (a
 * revoked display, say) reaches it on whichever node holds it. The live stream itself does not
 * travel through Redis: each node reads the event log and emits locally.
 */
import { Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';

export function attachRedisAdapter(server: Server, redisUrl: string): void {
  const logger = new Logger('RedisAdapter');
  // Commands wait for Redis to come back rather than fail: the adapter does not catch them.
  const pub = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  server.adapter(createAdapter(pub, sub));
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
