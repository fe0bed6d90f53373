/**
 * The entry script the server's index.html names now. Vite puts a content hash in its file
 * name, so a different name means a new client was deployed.
 */
export async function fetchDeployedEntry(signal?: AbortSignal): Promise<string | null> {
  const response = await fetch('/index.html', { cache: 'no-store', signal, headers: { Accept: 'text/html' } });
  if (!response.ok) return null;
  return entryScriptOf(await response.text());
}

/** `<script type="module" crossorigin src="/assets/index-3f9a.js">` → "/assets/index-3f9a.js". */
export function entryScriptOf(html: string): string | null {
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
    if (!/type=["']?module/i.test(tag)) continue;
    const src = /\bsrc=["']([^"']+)["']/i.exec(tag)?.[1];
    if (src) return src;
  }
  return null;
}
