import { Inject, Injectable, Logger, type OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { type Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { DataSource, type EntityManager } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { findScopedDisplays } from '../displays/display-scope.query.js';
import { LoginThrottle } from './login-throttle.js';
import type { ApiKeyScope, Principal } from './principal.js';
import {
  AccessTokens,
  ACCESS_TOKEN_SECONDS,
  API_KEY_PREFIX,
  DISPLAY_PREFIX,
  randomSecret,
  REFRESH_PREFIX,
  REFRESH_TOKEN_DAYS,
  safeEqual,
  sha256,
} from './tokens.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: 'admin' | 'manager' | 'rep';
  rep_id: string | null;
  active: boolean;
  tokens_valid_after: Date | null;
}

/** What decides whether a user's access token still counts, besides its signature and expiry. */
interface Standing {
  active: boolean;
  /** Tokens issued before this (ms since the epoch) are refused; null: none is. */
  validAfterMs: number | null;
}

/**
 * How long a node trusts what it read of a user's standing. A deactivation or role change made
 * on this node takes effect at once (the entry is dropped); on another node within this time.
 * One short read per user per second keeps that promise without a read on every request.
 */
const STANDING_TTL_MS = 1000;

/** A JWT's `iat` is in whole seconds: a token counts if issued in or after the second following the change. */
function firstValidIatMs(validAfterMs: number): number {
  return Math.floor(validAfterMs / 1000) * 1000 + 1000;
}

import { unauthorized } from '../common/errors.js';

/**
 * Memory-hard, per OWASP's argon2id guidance (19 MiB, 2 passes), in a prebuilt native addon that
 * hashes on libuv's thread pool: a sign-in costs the live event loop nothing (the WebAssembly
 * hash-wasm it replaced held the main thread for about 100 ms per hash, every socket waiting), and
 * the hash takes about 12 ms instead of 95. The PHC strings are the standard ones, so hashes stored
 * before verify unchanged. (The `argon2` package's prebuilt binary crashed on load here, and
 * building it needs a compiler that a machine with only Node does not have.)
 */
const ARGON2_OPTIONS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, { ...ARGON2_OPTIONS, salt: randomBytes(16) });
}

export function verifyPassword(encoded: string, password: string): Promise<boolean> {
  return argon2Verify(encoded, password);
}

/**
 * Logging in, refreshing, logging out, and turning any credential into a Principal. Refresh
 * tokens rotate: each is good once, and presenting a used one revokes its whole family, so a
 * stolen token dies the moment either holder uses it twice.
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  private readonly tokens: AccessTokens;
  private readonly lastTouched = new Map<string, number>();
  private readonly standings = new Map<string, { readAt: number; standing: Promise<Standing | null> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly loginThrottle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Without JWT_SECRET (the embedded demo) a per-process secret: tokens end with the process.
    this.tokens = new AccessTokens(config.jwtSecret ?? randomBytes(48).toString('base64'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureFirstAdmin();
  }

  /** The first admin from ADMIN_EMAIL/ADMIN_PASSWORD, or in the demo a generated one, printed once. */
  async ensureFirstAdmin(): Promise<void> {
    const [{ count }]: { count: number }[] = await this.dataSource.query("SELECT count(*)::int AS count FROM users WHERE role = 'admin'");
    if (count > 0) return;
    if (this.config.adminEmail && this.config.adminPassword) {
      await this.createUser({ email: this.config.adminEmail, name: 'Administrator', password: this.config.adminPassword, role: 'admin', repId: null });
      this.logger.log(`created the first admin ${this.config.adminEmail}`);
    } else if (this.config.demoData) {
      const password = randomBytes(12).toString('base64url');
      await this.createUser({ email: 'admin@salesboard.demo', name: 'Demo admin', password, role: 'admin', repId: null });
      // Printed once, at the start that created it; the hash is all that is kept.
      this.logger.warn(`demo admin created: admin@salesboard.demo / ${password} (set ADMIN_EMAIL and ADMIN_PASSWORD in production)`);
    }
  }

  async createUser(
    input: { email: string; name: string; password: string; role: UserRow['role']; repId: string | null },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ id: string }> {
    const passwordHash = await hashPassword(input.password);
    const [row]: { id: string }[] = await manager.query(
      'INSERT INTO users (email, name, password_hash, role, rep_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [input.email.toLowerCase(), input.name, passwordHash, input.role, input.repId],
    );
    return row;
  }

  async login(email: string, password: string, ip: string): Promise<TokenPair> {
    const attempt = await this.loginThrottle.attempt(email, ip);
    const [user]: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
    // Verify against a real hash even for an unknown email, so timing does not tell which emails exist.
    const ok = user ? await verifyPassword(user.password_hash, password) : await verifyPassword(await this.dummyHash(), password).then(() => false);
    if (!user || !ok || !user.active) throw unauthorized('email or password: not recognised');
    await attempt.succeeded();
    return this.issue(user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const rows: { id: string; user_id: string; family_id: string; used_at: Date | null; revoked_at: Date | null; expires_at: Date }[] =
      await this.dataSource.query('SELECT id, user_id, family_id, used_at, revoked_at, expires_at FROM refresh_tokens WHERE token_hash = $1', [
        sha256(refreshToken),
      ]);
    const token = rows[0];
    if (!token) throw unauthorized('refreshToken: not recognised');
    if (token.used_at || token.revoked_at) throw await this.reused(token.family_id);
    if (token.expires_at.getTime() < Date.now()) throw unauthorized('refreshToken: expired');
    const [user]: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE id = $1 AND active', [token.user_id]);
    if (!user) throw unauthorized('refreshToken: the account is disabled');
    const next = randomSecret(REFRESH_PREFIX);
    // Claiming the old token and storing its successor is one statement: concurrent refreshes
    // queue on the row, exactly one finds it unused, and by the time a loser sees it used the
    // winner's successor is committed, so the loser's family revocation catches it too. A plain
    // UPDATE through TypeORM answers [rows, count], whose length is always 2: hence the INSERT.
    const successor: { id: string }[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING user_id, family_id
       )
       INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
       SELECT user_id, family_id, $2, now() + make_interval(days => $3) FROM claimed
       RETURNING id`,
      [token.id, sha256(next), REFRESH_TOKEN_DAYS],
    );
    if (successor.length !== 1) throw await this.reused(token.family_id);
    return this.issue(user, token.family_id, next);
  }

  /** A refresh token presented twice: one of the two holders is a thief, so the whole login ends. */
  private async reused(familyId: string): Promise<UnauthorizedException> {
    await this.revokeFamily(familyId);
    return unauthorized('refreshToken: already used; every session of this login is now signed out');
  }

  /** Logout: the refresh token's whole family stops working. */
  async logout(refreshToken: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL',
      [sha256(refreshToken)],
    );
  }

  /** Any credential to a principal: a display credential, an API key or an access token; null if none is valid. */
  async authenticate(credential: string): Promise<Principal | null> {
    if (credential.startsWith(DISPLAY_PREFIX)) return this.display(credential);
    if (credential.startsWith(API_KEY_PREFIX)) return this.apiKey(credential);
    const claims = await this.tokens.verify(credential);
    if (!claims || !(await this.stillValid(claims.sub, claims.issuedAtMs))) return null;
    return { kind: 'user', id: claims.sub, name: claims.name, role: claims.role, repId: claims.repId, teamIds: claims.teamIds, boardId: null, scopes: [] };
  }

  /**
   * Whether a verified access token still stands: its user is active and it was issued after
   * their last security change (role, deactivation, password, teams). Checked here rather than
   * by revoking tokens, which are not stored; see STANDING_TTL_MS for the cost.
   */
  private async stillValid(userId: string, issuedAtMs: number | null): Promise<boolean> {
    const standing = await this.standingOf(userId);
    if (!standing?.active) return false;
    if (standing.validAfterMs === null) return true;
    return issuedAtMs !== null && issuedAtMs >= firstValidIatMs(standing.validAfterMs);
  }

  private standingOf(userId: string): Promise<Standing | null> {
    const now = Date.now();
    const cached = this.standings.get(userId);
    if (cached && now - cached.readAt < STANDING_TTL_MS) return cached.standing;
    if (this.standings.size > 10_000) for (const [id, entry] of this.standings) if (now - entry.readAt >= STANDING_TTL_MS) this.standings.delete(id);
    const standing = this.dataSource
      .query<{ active: boolean; tokens_valid_after: Date | null }[]>('SELECT active, tokens_valid_after FROM users WHERE id = $1', [userId])
      .then(([row]) => (row ? { active: row.active, validAfterMs: row.tokens_valid_after?.getTime() ?? null } : null));
    // A failed read is not remembered: the next request asks again.
    standing.catch(() => this.standings.delete(userId));
    this.standings.set(userId, { readAt: now, standing });
    return standing;
  }

  /** After a security change to a user commits: this node stops trusting what it read of them. */
  forgetStanding(userId: string): void {
    this.standings.delete(userId);
  }

  private async teamsManagedBy(user: UserRow): Promise<string[]> {
    if (user.role !== 'manager') return [];
    const teams: { id: string }[] = await this.dataSource.query('SELECT id FROM teams WHERE manager_user_id = $1', [user.id]);
    return teams.map((t) => t.id);
  }

  /** A display reads what its board shows, or without a board what its approver sees (principal.ts, displayScopeOf). */
  private async display(credential: string): Promise<Principal | null> {
    const [display] = await findScopedDisplays(this.dataSource, 'd.token_hash = $1 AND d.revoked_at IS NULL', [sha256(credential)]);
    if (!display) return null;
    this.touch(`display:${display.id}`, 'UPDATE displays SET last_seen_at = now() WHERE id = $1', display.id);
    return {
      kind: 'display',
      id: display.id,
      name: display.name,
      role: 'display',
      repId: null,
      teamIds: [],
      boardId: display.boardId,
      boardScope: display.scope,
      scopes: [],
    };
  }

  private async apiKey(credential: string): Promise<Principal | null> {
    const prefix = credential.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 8);
    const [row]: { id: string; name: string; key_hash: string; scopes: ApiKeyScope[] }[] = await this.dataSource.query(
      'SELECT id, name, key_hash, scopes FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL',
      [prefix],
    );
    if (!row || !safeEqual(row.key_hash, sha256(credential))) return null;
    this.touch(`key:${row.id}`, 'UPDATE api_keys SET last_used_at = now() WHERE id = $1', row.id);
    return { kind: 'apiKey', id: row.id, name: row.name, role: 'integration', repId: null, teamIds: [], boardId: null, scopes: row.scopes };
  }

  /** last-seen and last-used times, written at most once a minute per credential. */
  private touch(key: string, sql: string, id: string): void {
    const now = Date.now();
    if ((this.lastTouched.get(key) ?? 0) > now - 60_000) return;
    this.lastTouched.set(key, now);
    this.dataSource.query(sql, [id]).catch(() => undefined);
  }

  /** `storedRefreshToken`: a refresh already stored its successor (see refresh); else one is made here. */
  private async issue(user: UserRow, familyId: string, storedRefreshToken?: string): Promise<TokenPair> {
    // A token signed in the same second as the user's last security change would be refused (iat
    // has whole seconds): wait for the next second, at most one, and only right after a change.
    if (user.tokens_valid_after) {
      const wait = firstValidIatMs(user.tokens_valid_after.getTime()) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1000)));
    }
    const refreshToken = storedRefreshToken ?? randomSecret(REFRESH_PREFIX);
    if (!storedRefreshToken)
      await this.dataSource.query(
        `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))`,
        [user.id, familyId, sha256(refreshToken), REFRESH_TOKEN_DAYS],
      );
    const accessToken = await this.tokens.sign({
      sub: user.id,
      role: user.role,
      name: user.name,
      repId: user.rep_id,
      teamIds: await this.teamsManagedBy(user),
    });
    return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_SECONDS, tokenType: 'Bearer' };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.dataSource.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  private dummy: Promise<string> | null = null;
  private dummyHash(): Promise<string> {
    this.dummy ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummy;
  }
}
