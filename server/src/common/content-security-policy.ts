/**
 * The Content-Security-Policy of every answer, the built client's pages first. It holds what the
 * client does and nothing more, so injected markup cannot run script or send data elsewhere.
 * deploy/nginx.conf sends the same policy with the client it serves (a test compares the two).
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  // Vite emits module scripts from files only; nothing inline, nothing from elsewhere.
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  // Stylesheets from files only: Vue's :style bindings, ECharts' tooltips and html-to-image set
  // styles through the CSSOM, which a policy does not govern (tested in Chromium: e2e/specs/csp.spec.ts).
  'style-src': ["'self'"],
  // Avatars come from any HTTPS host; the PNG export and the pairing QR code draw to data:
  // and blob: URLs.
  'img-src': ["'self'", 'data:', 'blob:', 'https:'],
  'font-src': ["'self'", 'data:'],
  // The API and the socket are this origin ('self' covers ws: and wss: to it). CORS_ORIGINS are
  // sites that call us, not sites our pages call, so they have no place here.
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  // Same answer as helmet's X-Frame-Options: SAMEORIGIN.
  'frame-ancestors': ["'self'"],
  // No upgrade-insecure-requests (a helmet default): the demo serves plain HTTP on a LAN
  // address, where upgraded requests would fail; HTTPS is the proxy's business.
};
