/**
 * Boils a V8 CPU profile down to where the time went: self time per package (socket.io,
 * typeorm, pg, @nestjs/…, the server's own folders) and the busiest functions. Runs inside the
 * profiled process, so only the summary crosses the IPC channel.
 */
function packageOf(url, functionName) {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'native (program)';
    return `native ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.match(/\/(server|shared)\/dist\/([^/]+)/);
  if (dist) return `${dist[1]}/${dist[2].replace(/\.js$/, '')}`;
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  return url.replace(/^.*\//, '');
}

/**
 * Packages get a longer list than functions: a question like "what share is the HTTP stack"
 * adds up a dozen small packages (router, body-parser, raw-body, qs …) that a top 12 would drop.
 */
export function summarizeProfile(profile, top = 12, topPackages = 40) {
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples?.length ?? 1);
  const byPackage = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    if (pkg === 'idle') continue;
    busy += node.hitCount;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
    const fn = `${functionName || '(anonymous)'} ${pkg}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.hitCount);
  }
  const share = (entries, limit) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, hits]) => ({ name, pct: Math.round((1000 * hits) / Math.max(1, busy)) / 10 }));
  return { busyMs: Math.round(busy * intervalMs), byPackage: share(byPackage, topPackages), byFunction: share(byFunction, top) };
}
