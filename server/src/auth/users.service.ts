import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey, CreateUserInput, User } from '@salesboard/shared';
import { badField, conflict, notFound } from '../common/errors.js';
import { AuditService } from './audit.service.js';
import { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';
import { API_KEY_PREFIX, sha256 } from './tokens.js';
import { randomBytes } from 'node:crypto';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: User['role'];
  rep_id: string | null;
  active: boolean;
  team_ids: string[] | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKey['scopes'];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Users and API keys: the admin's side of access. Every change is audited. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<User[]> {
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.name, u.role, u.rep_id, u.active, array_remove(array_agg(t.id), NULL) AS team_ids
         FROM users u LEFT JOIN teams t ON t.manager_user_id = u.id GROUP BY u.id ORDER BY u.name`,
    );
    return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, repId: r.rep_id, active: r.active, teamIds: r.team_ids ?? [] }));
  }

  async create(input: CreateUserInput, actor: Principal, ip: string): Promise<User> {
    if (input.role === 'rep' && !input.repId) throw badField('repId', 'a rep account must name its rep');
    if (input.repId && !(await this.exists('reps', input.repId))) throw badField('repId', `no rep with id ${input.repId}`);
    for (const teamId of input.teamIds ?? []) if (!(await this.exists('teams', teamId))) throw badField('teamIds', `no team with id ${teamId}`);
    let created: { id: string };
    try {
      created = await this.auth.createUser({ email: input.email, name: input.name, password: input.password, role: input.role, repId: input.repId ?? null });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`email: a user with ${input.email} already exists`);
      throw error;
    }
    if (input.role === 'manager' && input.teamIds?.length) {
      await this.dataSource.query('UPDATE teams SET manager_user_id = $1 WHERE id = ANY($2::uuid[])', [created.id, input.teamIds]);
    }
    await this.audit.record(actor, { action: 'user.created', target: `user:${created.id}`, details: { email: input.email, role: input.role }, ip });
    const user = (await this.list()).find((u) => u.id === created.id);
    if (!user) throw notFound('user', created.id);
    return user;
  }

  async listKeys(): Promise<ApiKey[]> {
    return (await this.dataSource.query<ApiKeyRow[]>('SELECT * FROM api_keys ORDER BY created_at DESC')).map(mapKey);
  }

  /** The key is `sbk_<8-char prefix>_<secret>`: looked up by prefix, checked by hash, shown once. */
  async createKey(input: CreateApiKeyInput, actor: Principal, ip: string): Promise<CreatedApiKey> {
    const prefix = randomBytes(6).toString('base64url').slice(0, 8);
    const key = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const [row]: ApiKeyRow[] = await this.dataSource.query(
      'INSERT INTO api_keys (name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [input.name, prefix, sha256(key), [...new Set(input.scopes)], actor.kind === 'user' ? actor.id : null],
    );
    await this.audit.record(actor, { action: 'apiKey.created', target: `apiKey:${row.id}`, details: { name: input.name, scopes: input.scopes }, ip });
    return { ...mapKey(row), key };
  }

  async revokeKey(id: string, actor: Principal, ip: string): Promise<ApiKey> {
    const [rows]: [ApiKeyRow[], number] = await this.dataSource.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *',
      [id],
    );
    if (!rows?.length) throw notFound('API key', id);
    await this.audit.record(actor, { action: 'apiKey.revoked', target: `apiKey:${id}`, ip });
    return mapKey(rows[0]);
  }

  private async exists(table: 'reps' | 'teams', id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
    return rows.length > 0;
  }
}

function mapKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}
