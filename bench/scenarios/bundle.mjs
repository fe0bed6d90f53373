/**
 * bundle: gzip bytes of the JavaScript and CSS that /tv loads before its first render: the
 * page is opened in Chromium (fresh context, empty cache) and every script and style response
 * received until the wallboard is drawn is gzip-compressed here (level 6, what nginx and most
 * CDNs are configured with), because the server itself sends them uncompressed.
 */
import { gzipSync } from 'node:zlib';
import { chunkName, echartsShare } from '../lib/bundle-share.mjs';
import { openWallboard } from '../lib/browser.mjs';

export async function bundle(ctx) {
  const origin = ctx.server.baseUrl;
  const bodies = [];
  const { context } = await openWallboard(origin, {
    onResponse: (response) => {
      const url = response.url();
      const type = response.request().resourceType();
      if (url.startsWith(origin) && (type === 'script' || type === 'stylesheet' || /\.(m?js|css)$/.test(new URL(url).pathname))) {
        bodies.push(
          response.body().then((body) => ({ file: new URL(url).pathname, type, bytes: body.length, gzipBytes: gzipSync(body, { level: 6 }).length })),
        );
      }
    },
  });
  const files = await Promise.all(bodies.splice(0)); // drawn: what arrived until now is what the first render needed
  await context.close();
  const sum = (list, key) => list.reduce((n, f) => n + f[key], 0);
  const js = files.filter((f) => f.file.endsWith('.js'));
  let share = null;
  let shareNote;
  try {
    const result = await echartsShare(js.map((f) => chunkName(f.file)));
    share = result.share;
    shareNote = `share of minified JS characters mapped to node_modules/echarts or zrender in a fresh source-mapped build of the same chunks (${result.matched.join(', ')})`;
    // The fresh build reads client/src as it is now; client/dist may be older.
    const served = js.reduce((n, f) => n + f.bytes, 0);
    if (Math.abs(result.totalChars - served) > 0.05 * served) {
      shareNote += `; WARNING: those chunks are ${result.totalChars} characters now but ${served} bytes as served, so client/dist is stale: rebuild the client for a consistent figure`;
    }
  } catch (error) {
    shareNote = `could not rebuild the client with source maps: ${error.message.split('\n')[0]}`;
  }
  return {
    tvGzipBytes: sum(files, 'gzipBytes'),
    tvRawBytes: sum(files, 'bytes'),
    jsGzipBytes: sum(js, 'gzipBytes'),
    cssGzipBytes: sum(files, 'gzipBytes') - sum(js, 'gzipBytes'),
    echartsShare: share === null ? null : Math.round(share * 1000) / 1000,
    files,
    notes: [shareNote],
  };
}
