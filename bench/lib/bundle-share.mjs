/**
 * Which share of the wallboard's JavaScript is ECharts (with zrender, its renderer). The built
 * client has no source maps, so the client is built once more, in memory, with source maps
 * (nothing is written to client/), and each minified character is attributed to the source
 * file its mapping segment comes from. Chunks are matched to the served ones by name.
 */
import { fileURLToPath } from 'node:url';
import { decodedMappings, TraceMap } from '@jridgewell/trace-mapping';

const CLIENT = fileURLToPath(new URL('../../client/', import.meta.url));
const ECHARTS = /node_modules\/(echarts|zrender)\//;

/** The name vite gives a chunk without its content hash: `WallboardView-CcUEPvIk.js` → `WallboardView.js`. */
export function chunkName(file) {
  return file.replace(/^.*\//, '').replace(/-[\w-]{8}(\.\w+)$/, '$1');
}

function attribute(code, map) {
  const trace = new TraceMap(map);
  const lines = code.split('\n');
  const bySource = new Map();
  decodedMappings(trace).forEach((segments, lineIndex) => {
    const line = lines[lineIndex] ?? '';
    for (let i = 0; i < segments.length; i++) {
      const [column, sourceIndex] = segments[i];
      const end = i + 1 < segments.length ? segments[i + 1][0] : line.length;
      const source = sourceIndex === undefined ? '(unmapped)' : (trace.sources[sourceIndex] ?? '(unmapped)');
      bySource.set(source, (bySource.get(source) ?? 0) + Math.max(0, end - column));
    }
  });
  return bySource;
}

/** For the chunk names given, the characters that are ECharts and the total. */
export async function echartsShare(names) {
  const { build } = await import('vite');
  const result = await build({
    root: CLIENT,
    logLevel: 'silent',
    build: { write: false, sourcemap: true, emptyOutDir: false, reportCompressedSize: false, chunkSizeWarningLimit: 1e6 },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output ?? []);
  let echarts = 0;
  let total = 0;
  const matched = [];
  for (const output of outputs) {
    if (output.type !== 'chunk' || !names.includes(chunkName(output.fileName)) || !output.map) continue;
    matched.push(output.fileName);
    for (const [source, chars] of attribute(output.code, output.map)) {
      total += chars;
      if (ECHARTS.test(source)) echarts += chars;
    }
  }
  return { share: total ? echarts / total : null, echartsChars: echarts, totalChars: total, matched };
}
