import { describe, expect, it } from 'vitest';
import { entryScriptOf } from './version';

describe('the deployed client version', () => {
  it('is read from the hashed entry script index.html names', () => {
    const html = `<!doctype html><html><head>
      <script type="module" crossorigin src="/assets/index-BV5MxUtg.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/http-Dci0uGpV.js">
      </head><body><div id="app"></div></body></html>`;
    expect(entryScriptOf(html)).toBe('/assets/index-BV5MxUtg.js');
  });

  it('is unknown when the page names no module script', () => {
    expect(entryScriptOf('<html><body>maintenance</body></html>')).toBeNull();
  });
});
