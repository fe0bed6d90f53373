import { Inject, Injectable, Logger, type OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { argon2id, argon2Verify } from 'hash-wasm';
import { DataSource } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { RateLimiter } from '../common/rate-limit/rate-limiter.service.js';
import { TooManyRequests } from '../common/rate-limit/too-many.js';
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
}

export function unauthorized(message = 'authorization: missing, malformed or expired credential'): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}

/**
 * Memory-hard, per OWASP's argon2id guidance (19 MiB, 2 passes). WebAssembly rather than a
 * native addon: the `argon2` package's prebuilt binary crashed on load here, and building it
 * needs a compiler that a machine with only Node does not have.
 */
const ARGON2_OPTIONS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 } as const;

function hash(password: string): Promise<string> {
  return argon2id({ ...ARGON2_OPTIONS, password, salt: randomBytes(16), outputType: 'encoded' });
}

function verify(encoded: string, password: string): Promise<boolean> {
  return argon2Verify({ password, hash: encoded });
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

  constructor(
    private readonly dataSource: DataSource,
    private readonly limiter: RateLimiter,
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

  async createUser(input: { email: string; name: string; password: string; role: UserRow['role']; repId: string | null }): Promise<{ id: string }> {
    const passwordHash = await hash(input.password);
    const [row]: { id: string }[] = await this.dataSource.query(
      'INSERT INTO users (email, name, password_hash, role, rep_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [input.email.toLowerCase(), input.name, passwordHash, input.role, input.repId],
    );
    return row;
  }

  async login(email: string, password: string, ip: string): Promise<TokenPair> {
    const decision = await this.limiter.hit(`login:${ip}:${email.toLowerCase()}`, 10, 60);
    if (!decision.allowed) throw new TooManyRequests('login', decision);
    const [user]: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
    // Verify against a real hash even for an unknown email, so timing does not tell which emails exist.
    const ok = user ? await verify(user.password_hash, password) : await verify(await this.dummyHash(), password).then(() => false);
    if (!user || !ok || !user.active) throw unauthorized('email or password: not recognised');
    return this.issue(user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const rows: { id: string; user_id: string; family_id: string; used_at: Date | null; revoked_at: Date | null; expires_at: Date }[] =
      await this.dataSource.query('SELECT id, user_id, family_id, used_at, revoked_at, expires_at FROM refresh_tokens WHERE token_hash = $1', [
        sha256(refreshToken),
      ]);
    const token = rows[0];
    if (!token) throw unauthorized('refreshToken: not recognised');
    if (token.used_at || token.revoked_at) {
      await this.revokeFamily(token.family_id);
      throw unauthorized('refreshToken: already used; every session of this login is now signed out');
    }
    if (token.expires_at.getTime() < Date.now()) throw unauthorized('refreshToken: expired');
    // Only one of two concurrent refreshes with the same token may win.
    const claimed: unknown[] = await this.dataSource.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id', [
      token.id,
    ]);
    if (claimed.length === 0) throw unauthorized('refreshToken: already used');
    const [user]: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE id = $1 AND active', [token.user_id]);
    if (!user) throw unauthorized('refreshToken: the account is disabled');
    return this.issue(user, token.family_id);
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
    if (!claims) return null;
    return { kind: 'user', id: claims.sub, name: claims.name, role: claims.role, repId: claims.repId, teamIds: claims.teamIds, boardId: null, scopes: [] };
  }

  private async teamsManagedBy(user: UserRow): Promise<string[]> {
    if (user.role !== 'manager') return [];
    const teams: { id: string }[] = await this.dataSource.query('SELECT id FROM teams WHERE manager_user_id = $1', [user.id]);
    return teams.map((t) => t.id);
  }

  private async display(credential: string): Promise<Principal | null> {
    const [row]: { id: string; name: string; board_id: string | null }[] = await this.dataSource.query(
      'SELECT id, name, board_id FROM displays WHERE token_hash = $1 AND revoked_at IS NULL',
      [sha256(credential)],
    );
    if (!row) return null;
    this.touch(`display:${row.id}`, 'UPDATE displays SET last_seen_at = now() WHERE id = $1', row.id);
    return { kind: 'display', id: row.id, name: row.name, role: 'display', repId: null, teamIds: [], boardId: row.board_id, scopes: [] };
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

  private async issue(user: UserRow, familyId: string): Promise<TokenPair> {
    const refreshToken = randomSecret(REFRESH_PREFIX);
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
    this.dummy ??= hash(randomBytes(16).toString('hex'));
    return this.dummy;
  }
}
