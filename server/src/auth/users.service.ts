import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey, CreateUserInput, UpdateUserInput, User } from '@salesboard/shared';
import { badField, conflict, notFound } from '../common/errors.js';
import { AppEvents } from '../events/app-events.js';
import { EventWriter } from '../events/event-writer.service.js';
import { changedFields, writeAudit } from './audit.service.js';
import type { AuditedChange } from './audited-change.decorator.js';
import { AuthService, hashPassword } from './auth.service.js';
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

const USER_SELECT = `SELECT u.id, u.email, u.name, u.role, u.rep_id, u.active,
         COALESCE((SELECT array_agg(t.id ORDER BY t.name) FROM teams t WHERE t.manager_user_id = u.id), '{}') AS team_ids
    FROM users u`;

function mapUser(r: UserRow): User {
  return { id: r.id, email: r.email, name: r.name, role: r.role, repId: r.rep_id, active: r.active, teamIds: r.team_ids ?? [] };
}

/** What a user's update does to their sessions. */
interface SessionEffect {
  /** Role, deactivation, password: refresh tokens revoked, sockets dropped, access tokens refused. */
  signOut: boolean;
  /** Teams or rep record: access tokens refused, so the next refresh carries the new claims. */
  reissue: boolean;
}

/** Users and API keys: the admin's side of access. Every change is audited and announced. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly writer: EventWriter,
    private readonly bus: AppEvents,
  ) {}

  async list(): Promise<User[]> {
    const rows: UserRow[] = await this.dataSource.query(`${USER_SELECT} ORDER BY u.name, u.id`);
    return rows.map(mapUser);
  }

  private async find(manager: EntityManager, id: string): Promise<User | null> {
    const rows: UserRow[] = await manager.query(`${USER_SELECT} WHERE u.id = $1`, [id]);
    return rows.length ? mapUser(rows[0]) : null;
  }

  async create(input: CreateUserInput, change: AuditedChange): Promise<User> {
    if (input.role === 'rep' && !input.repId) throw badField('repId', 'a rep account must name its rep');
    if (input.role !== 'manager' && input.teamIds?.length) throw badField('teamIds', 'only a manager manages teams');
    let displaced: string[] = [];
    try {
      const user = await this.writer.transaction(change, async (tx) => {
        if (input.repId) await requireRow(tx.manager, 'reps', 'repId', input.repId);
        for (const teamId of input.teamIds ?? []) await requireRow(tx.manager, 'teams', 'teamIds', teamId);
        const created = await this.auth.createUser(
          { email: input.email, name: input.name, password: input.password, role: input.role, repId: input.repId ?? null },
          tx.manager,
        );
        if (input.role === 'manager' && input.teamIds?.length) {
          const moved = await setManagedTeams(tx.manager, created.id, input.name, input.teamIds);
          await reissueTokens(tx.manager, moved.displaced);
          displaced = moved.displaced;
          for (const team of moved.teams) tx.emit('org.changed', { entity: 'team', id: team.id, name: team.name });
        }
        const user = (await this.find(tx.manager, created.id)) as User;
        const { email, name, role, repId, teamIds, active } = user;
        await writeAudit(tx.manager, change, {
          action: 'user.create',
          target: `user:${user.id}`,
          details: changedFields(null, { email, name, role, repId, teamIds, active }),
        });
        tx.emit('org.changed', { entity: 'user', id: user.id, name: user.name });
        return user;
      });
      for (const other of displaced) this.auth.forgetStanding(other);
      return user;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`email: a user with ${input.email} already exists`);
      throw error;
    }
  }

  /**
   * `PATCH /api/users/:id`. The last active admin cannot be demoted or deactivated: the active
   * admins are locked first, so two admins demoting each other at once cannot both succeed.
   */
  async update(id: string, input: UpdateUserInput, change: AuditedChange): Promise<User> {
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    let effect: SessionEffect = { signOut: false, reissue: false };
    let displaced: string[] = [];
    const user = await this.writer.transaction(change, async (tx) => {
      const m = tx.manager;
      await m.query("SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE");
      const [locked]: unknown[] = await m.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [id]);
      if (!locked) throw notFound('user', id);
      const before = (await this.find(m, id)) as User;
      const role = input.role ?? before.role;
      const active = input.active ?? before.active;
      const repId = input.repId === undefined ? before.repId : input.repId;
      if (input.repId) await requireRow(m, 'reps', 'repId', input.repId);
      if (role === 'rep' && !repId) throw badField('repId', 'a rep account must name its rep');
      if (input.teamIds !== undefined && role !== 'manager') throw badField('teamIds', 'only a manager manages teams');
      for (const teamId of input.teamIds ?? []) await requireRow(m, 'teams', 'teamIds', teamId);
      if (before.role === 'admin' && before.active && (role !== 'admin' || !active)) {
        const [{ count }]: { count: number }[] = await m.query("SELECT count(*)::int AS count FROM users WHERE role = 'admin' AND active AND id <> $1", [id]);
        if (count === 0) throw conflict(`${role !== 'admin' ? 'role' : 'active'}: ${before.name} is the last active admin; make another admin first`);
      }

      const name = input.name ?? before.name;
      await m.query('UPDATE users SET name = $2, role = $3, rep_id = $4, active = $5, password_hash = COALESCE($6, password_hash) WHERE id = $1', [
        id,
        name,
        role,
        repId,
        active,
        passwordHash ?? null,
      ]);
      // A manager's teams: the list given, none once no longer a manager; the team's manager name follows.
      const teamIds = input.teamIds ?? (role === 'manager' ? before.teamIds : []);
      const moved = await setManagedTeams(m, id, name, teamIds);
      displaced = moved.displaced;
      await reissueTokens(m, displaced);

      const after = (await this.find(m, id)) as User;
      effect = {
        signOut: role !== before.role || (before.active && !active) || passwordHash !== undefined,
        reissue: after.repId !== before.repId || [...after.teamIds].sort().join() !== [...before.teamIds].sort().join(),
      };
      if (effect.signOut || effect.reissue) await reissueTokens(m, [id]);
      if (effect.signOut) await m.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);

      const shown = (u: User) => ({ name: u.name, role: u.role, repId: u.repId, teamIds: u.teamIds, active: u.active });
      const details = changedFields(shown(before), shown(after));
      if (passwordHash !== undefined) details.password = '(changed)';
      await writeAudit(m, change, { action: 'user.update', target: `user:${id}`, details });
      tx.emit('org.changed', { entity: 'user', id, name: after.name });
      for (const team of moved.teams) tx.emit('org.changed', { entity: 'team', id: team.id, name: team.name });
      return after;
    });
    for (const other of displaced) this.auth.forgetStanding(other);
    if (effect.signOut || effect.reissue) this.auth.forgetStanding(id);
    if (effect.signOut) this.bus.emit('principal.revoked', { kind: 'user', id });
    return user;
  }

  async listKeys(): Promise<ApiKey[]> {
    return (await this.dataSource.query<ApiKeyRow[]>('SELECT * FROM api_keys ORDER BY created_at DESC')).map(mapKey);
  }

  /** The key is `sbk_<8-char prefix>_<secret>`: looked up by prefix, checked by hash, shown once. */
  async createKey(input: CreateApiKeyInput, change: AuditedChange): Promise<CreatedApiKey> {
    const prefix = randomBytes(6).toString('base64url').slice(0, 8);
    const key = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const actor = change.principal;
    return this.writer.transaction(change, async (tx) => {
      const [row]: ApiKeyRow[] = await tx.manager.query(
        'INSERT INTO api_keys (name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [input.name, prefix, sha256(key), [...new Set(input.scopes)], actor.kind === 'user' ? actor.id : null],
      );
      await writeAudit(tx.manager, change, { action: 'apiKey.create', target: `apiKey:${row.id}`, details: { name: input.name, scopes: row.scopes, prefix } });
      tx.emit('org.changed', { entity: 'apiKey', id: row.id, name: row.name });
      return { ...mapKey(row), key };
    });
  }

  async revokeKey(id: string, change: AuditedChange): Promise<ApiKey> {
    const key = await this.writer.transaction(change, async (tx) => {
      const [rows]: [ApiKeyRow[], number] = await tx.manager.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *', [
        id,
      ]);
      if (!rows?.length) throw notFound('API key', id);
      await writeAudit(tx.manager, change, { action: 'apiKey.revoke', target: `apiKey:${id}`, details: { name: rows[0].name, prefix: rows[0].prefix } });
      tx.emit('org.changed', { entity: 'apiKey', id, name: rows[0].name });
      return mapKey(rows[0]);
    });
    this.bus.emit('principal.revoked', { kind: 'apiKey', id });
    return key;
  }
}

/** A 400 naming `field` when `table` has no row `id`. */
async function requireRow(manager: EntityManager, table: 'reps' | 'teams', field: string, id: string): Promise<void> {
  const rows: unknown[] = await manager.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  if (!rows.length) throw badField(field, `no ${table === 'reps' ? 'rep' : 'team'} with id ${id}`);
}

/**
 * Makes `teamIds` exactly the teams `userId` manages, with each team's manager name in step.
 * Returns the teams whose manager changed and the other managers who lost one of them: their
 * access tokens carry their teams, so they must be reissued (see `reissueTokens`).
 */
export async function setManagedTeams(
  manager: EntityManager,
  userId: string,
  name: string,
  teamIds: readonly string[],
): Promise<{ teams: { id: string; name: string }[]; displaced: string[] }> {
  // An UPDATE ... RETURNING answers [rows, count] through TypeORM.
  const [released]: [{ id: string; name: string }[], number] = await manager.query(
    'UPDATE teams SET manager_user_id = NULL, manager_name = NULL WHERE manager_user_id = $1 AND NOT (id = ANY($2::uuid[])) RETURNING id, name',
    [userId, teamIds],
  );
  const [taken]: [{ id: string; name: string; previous: string | null }[], number] = teamIds.length
    ? await manager.query(
        `UPDATE teams t SET manager_user_id = $1, manager_name = $2 FROM teams old
          WHERE t.id = old.id AND t.id = ANY($3::uuid[]) AND (old.manager_user_id IS DISTINCT FROM $1 OR old.manager_name IS DISTINCT FROM $2)
          RETURNING t.id, t.name, old.manager_user_id AS previous`,
        [userId, name, teamIds],
      )
    : [[], 0];
  const displaced = [...new Set(taken.map((t) => t.previous).filter((p): p is string => p !== null && p !== userId))];
  return { teams: [...released, ...taken.map(({ id, name: teamName }) => ({ id, name: teamName }))], displaced };
}

/** Access tokens of these users issued until now are refused: their next refresh carries their new claims. */
export async function reissueTokens(manager: EntityManager, userIds: readonly string[]): Promise<void> {
  if (userIds.length) await manager.query('UPDATE users SET tokens_valid_after = $2 WHERE id = ANY($1::uuid[])', [userIds, new Date()]);
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
