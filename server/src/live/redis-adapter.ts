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
  const pub = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  server.adapter(createAdapter(pub, sub));
  const close = server.close.bind(server);
  server.close = (fn?: (err?: Error) => void) => {
    void Promise.allSettled([pub.quit(), sub.quit()]);
    return close(fn);
  };
}
