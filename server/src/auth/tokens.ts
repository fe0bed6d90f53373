/**
 * Credentials: short-lived signed access tokens for people, opaque random secrets for the
 * rest (refresh tokens, display credentials, API keys), each with a recognisable prefix so
 * a leaked one can be found by secret scanners and routed to the right check without a guess.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Role } from './principal.js';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;

export const DISPLAY_PREFIX = 'sbd_';
export const API_KEY_PREFIX = 'sbk_';
export const REFRESH_PREFIX = 'sbr_';

export function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Everything the access rules need travels in the token, so a request costs no database read to
 * authenticate; a changed role or team takes effect at the next refresh (at most 15 minutes).
 */
export interface AccessClaims {
  sub: string;
  role: Extract<Role, 'admin' | 'manager' | 'rep'>;
  name: string;
  repId: string | null;
  teamIds: string[];
}

export class AccessTokens {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { claims: VerifiedClaims; expiresAtMs: number }>();

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: AccessClaims): Promise<string> {
    return new SignJWT({ role: claims.role, name: claims.name, repId: claims.repId, teamIds: claims.teamIds })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuedAt()
      .setIssuer('salesboard')
      .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
      .sign(this.key);
  }

  /**
   * The claims of a valid, unexpired token; null for anything else (never throws). A token's
   * signature is checked once: its claims are kept until it expires, since a signed token cannot
   * change (whether its user still stands is AuthService's question, asked every time).
   */
  async verify(token: string): Promise<VerifiedClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return known.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'salesboard', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || !['admin', 'manager', 'rep'].includes(String(payload.role))) return null;
      const teamIds = Array.isArray(payload.teamIds) ? payload.teamIds.filter((t): t is string => typeof t === 'string') : [];
      const claims: VerifiedClaims = {
        sub: payload.sub,
        role: payload.role as AccessClaims['role'],
        name: String(payload.name ?? ''),
        repId: typeof payload.repId === 'string' ? payload.repId : null,
        teamIds,
        issuedAtMs: typeof payload.iat === 'number' ? payload.iat * 1000 : null,
      };
      if (typeof payload.exp === 'number') this.remember(token, claims, payload.exp * 1000);
      return claims;
    } catch {
      return null;
    }
  }

  private remember(token: string, claims: VerifiedClaims, expiresAtMs: number): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) {
      // The oldest first: a Map iterates in insertion order.
      for (const old of this.verified.keys()) {
        this.verified.delete(old);
        if (this.verified.size < VERIFIED_TOKENS_KEPT / 2) break;
      }
    }
    this.verified.set(token, { claims, expiresAtMs });
  }
}

/** A verified token's claims, with when it was issued (null if it does not say). */
export type VerifiedClaims = AccessClaims & { issuedAtMs: number | null };

/** Tokens whose claims are kept at most; past it the oldest half is forgotten (and verified again when used). */
const VERIFIED_TOKENS_KEPT = 10_000;
