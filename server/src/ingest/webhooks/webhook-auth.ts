/**
 * How each CRM proves a delivery is its own: HubSpot signs it (v3 signature), Pipedrive sends
 * HTTP Basic credentials. Comparisons are constant-time; failures are 401s that say which
 * header is wrong and nothing about the expected value. A CRM whose secret is not configured
 * gets 503, so it retries its deliveries until the secret is set instead of dropping them.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

/** HubSpot refuses to count on deliveries older than this; neither do we (replays). */
export const HUBSPOT_MAX_AGE_MS = 5 * 60 * 1000;

export type RawBodyRequest = Request & { rawBody?: Buffer };

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}

function notConfigured(variable: string): ServiceUnavailableException {
  return new ServiceUnavailableException({
    statusCode: 503,
    error: 'Service Unavailable',
    message: `${variable}: is not configured on this server; deliveries are refused until it is`,
  });
}

/** HubSpot signs the URI with these characters decoded. */
const HUBSPOT_DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/**
 * The URIs HubSpot may have signed: the public URL it called, which behind a proxy may differ in
 * scheme and host from what reached us. Trying each is safe: every one needs the secret.
 */
function candidateUris(request: Request): string[] {
  const first = (header: string | string[] | undefined) => (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  const hosts = [first(request.headers['x-forwarded-host']), request.headers.host].filter((h): h is string => !!h);
  const schemes = [first(request.headers['x-forwarded-proto']), 'https', 'http'].filter((s): s is string => !!s);
  const path = request.originalUrl.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (code) => HUBSPOT_DECODED[code.toUpperCase()]);
  return [...new Set(schemes.flatMap((scheme) => hosts.map((host) => `${scheme}://${host}${path}`)))];
}

/** X-HubSpot-Signature-v3 = base64(HMAC-SHA256(secret, method + uri + body + timestamp)). */
export function verifyHubspot(request: RawBodyRequest, secret: string | undefined, now = Date.now()): void {
  if (!secret) throw notConfigured('HUBSPOT_CLIENT_SECRET');
  const signature = request.headers['x-hubspot-signature-v3'];
  const timestamp = request.headers['x-hubspot-request-timestamp'];
  if (typeof signature !== 'string' || signature === '') throw unauthorized('X-HubSpot-Signature-v3: is required');
  if (typeof timestamp !== 'string' || !/^\d{1,16}$/.test(timestamp)) throw unauthorized('X-HubSpot-Request-Timestamp: is required, in milliseconds');
  if (Math.abs(now - Number(timestamp)) > HUBSPOT_MAX_AGE_MS)
    throw unauthorized('X-HubSpot-Request-Timestamp: more than 5 minutes away from now; the delivery is refused as a replay');
  const given = Buffer.from(signature, 'base64');
  const body = request.rawBody ?? Buffer.alloc(0);
  const matches = candidateUris(request).map((uri) => {
    const expected = createHmac('sha256', secret).update(`${request.method}${uri}`).update(body).update(timestamp).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches.includes(true)) throw unauthorized('X-HubSpot-Signature-v3: does not match the delivery');
}

/** HTTP Basic against PIPEDRIVE_WEBHOOK_USER/PASSWORD, compared as digests so lengths leak nothing. */
export function verifyPipedrive(authorization: string | undefined, user: string | undefined, password: string | undefined): void {
  if (!user || !password) throw notConfigured('PIPEDRIVE_WEBHOOK_USER and PIPEDRIVE_WEBHOOK_PASSWORD');
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) throw unauthorized('Authorization: HTTP Basic credentials are required');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [givenUser, givenPassword] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  // Both compared, always: which of the two is wrong must not show in the timing.
  const userOk = sameSecret(givenUser, user);
  const passwordOk = sameSecret(givenPassword, password);
  if (!(userOk && passwordOk)) throw unauthorized('Authorization: wrong user or password');
}

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}
