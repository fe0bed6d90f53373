/**
 * memory: heap and RSS per connected client, after a forced GC (the probe, with --expose-gc),
 * as the difference between two counts of idle connected clients divided by the difference in
 * clients, so the process's fixed cost cancels out. Same for the reference server.
 */
import { sleep } from '../lib/clock.mjs';
import { round } from '../lib/stats.mjs';

async function perConnection(ctx, measured, url, since) {
  const [low, high] = ctx.sizes.memory.counts;
  const sample = async (count) => {
    const conn = await ctx.swarm.connect(url, count - ctx.swarm.size, { since: await since() });
    if (conn.failed) throw new Error(`${measured.name}: ${conn.failed} clients failed to connect (${conn.error})`);
    await sleep(1000); // let handshakes' garbage become garbage
    return measured.probe('memory');
  };
  const a = await sample(low);
  const b = await sample(high);
  await ctx.swarm.closeAll();
  const per = (key) => round((b[key] - a[key]) / (high - low), 0);
  return {
    counts: [low, high],
    gcForced: a.gcForced && b.gcForced,
    heapBytesPerConn: per('heapUsed'),
    rssBytesPerConn: per('rss'),
    externalBytesPerConn: per('external'),
    heapUsedMB: [round(a.heapUsed / 2 ** 20, 1), round(b.heapUsed / 2 ** 20, 1)],
    rssMB: [round(a.rss / 2 ** 20, 1), round(b.rss / 2 ** 20, 1)],
  };
}

export async function memory(ctx) {
  const server = await perConnection(ctx, ctx.server, ctx.server.wsUrl, () => ctx.server.head());
  const ref = await perConnection(ctx, ctx.ref, ctx.ref.wsUrl, async () => undefined);
  return {
    clients: server.counts,
    heapBytesPerConn: server.heapBytesPerConn,
    refHeapBytesPerConn: ref.heapBytesPerConn,
    rssBytesPerConn: server.rssBytesPerConn,
    refRssBytesPerConn: ref.rssBytesPerConn,
    detail: { server, reference: ref },
  };
}
