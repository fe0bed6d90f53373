import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEntry, AuditQuery } from '@salesboard/shared';
import type { AuditedChange } from './audited-change.decorator.js';
import type { Principal } from './principal.js';

export interface AuditFacts {
  /** `<entity>.<verb>`: `team.update`, `stage.reorder`, `apiKey.revoke`. */
  action: string;
  /** `<entity>:<id>`. */
  target?: string;
  details?: unknown;
  ip?: string | null;
}

/** Field names whose values never reach the audit log, at any depth: only that they changed. */
const SECRET = /password|secret|token|hash/i;
const DEFAULT_LIMIT = 100;

/**
 * The changed fields of an update as `{ field: { from, to } }`; `before` or `after` alone (a
 * create, a delete) lists that side's fields. Secrets appear as `"(changed)"`, never as values.
 */
export function changedFields(beforeObject: object | null, afterObject: object | null): Record<string, unknown> {
  const before = beforeObject as Record<string, unknown> | null;
  const after = afterObject as Record<string, unknown> | null;
  const details: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const from = before?.[key];
    const to = after?.[key];
    if (before && after && JSON.stringify(from) === JSON.stringify(to)) continue;
    if (to === undefined && after && before) continue;
    if (SECRET.test(key)) details[key] = '(changed)';
    else if (before && after) details[key] = { from: from ?? null, to: to ?? null };
    else details[key] = (after ? to : from) ?? null;
  }
  return details;
}

/**
 * Writes one audit row through `manager`, so it commits or rolls back with the change it
 * describes. The one way every admin and manager route records what it did.
 */
export async function writeAudit(manager: EntityManager, change: Pick<AuditedChange, 'principal' | 'ip'>, facts: AuditFacts): Promise<void> {
  await insertAudit(manager, change.principal, { ...facts, ip: facts.ip ?? change.ip });
}

async function insertAudit(manager: EntityManager, actor: Principal, facts: AuditFacts): Promise<void> {
  // clock_timestamp, not now(): rows of one transaction get distinct times, so paging by `at` is stable.
  await manager.query(
    `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target, details, ip)
     VALUES (date_trunc('milliseconds', clock_timestamp()), $1, $2, $3, $4, $5, $6, $7)`,
    [
      actor.kind,
      actor.id,
      actor.name,
      facts.action,
      facts.target ?? null,
      facts.details === undefined ? null : JSON.stringify(facts.details),
      facts.ip ?? null,
    ],
  );
}

/**
 * The tables whose rows an audit target (`<entity>:<id>`) names, and the column a person knows
 * each by. Entities written elsewhere (an import job, a CRM) are named by the entry's details.
 */
const TARGET_TABLES: Record<string, { table: string; key: 'id' | 'key'; name: string }> = {
  user: { table: 'users', key: 'id', name: 'name' },
  team: { table: 'teams', key: 'id', name: 'name' },
  rep: { table: 'reps', key: 'id', name: 'name' },
  territory: { table: 'territories', key: 'id', name: 'name' },
  account: { table: 'accounts', key: 'id', name: 'name' },
  product: { table: 'products', key: 'id', name: 'name' },
  apiKey: { table: 'api_keys', key: 'id', name: 'name' },
  display: { table: 'displays', key: 'id', name: 'name' },
  board: { table: 'boards', key: 'id', name: 'name' },
  importJob: { table: 'import_jobs', key: 'id', name: 'file_name' },
  stage: { table: 'stages', key: 'key', name: 'label' },
};

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * SQL for the name of `a.target` now: its row's name, else (a deleted board, a revoked display)
 * the `name` the entry recorded when that is a plain string. Ids are matched as uuids only when
 * they look like one, so a malformed target names nothing rather than failing the whole page.
 */
const TARGET_NAME_SQL = `COALESCE(CASE split_part(a.target, ':', 1)
  ${Object.entries(TARGET_TABLES)
    .map(([kind, { table, key, name }]) => {
      const id = `split_part(a.target, ':', 2)`;
      const lookup =
        key === 'id'
          ? `CASE WHEN ${id} ~ '${UUID_PATTERN}' THEN (SELECT t.${name} FROM ${table} t WHERE t.id = ${id}::uuid) END`
          : `(SELECT t.${name} FROM ${table} t WHERE t.${key} = ${id})`;
      return `WHEN '${kind}' THEN ${lookup}`;
    })
    .join('\n  ')}
  END, CASE WHEN jsonb_typeof(a.details -> 'name') = 'string' THEN a.details ->> 'name' END)`;

interface AuditRow {
  id: string;
  at: Date;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  target_name: string | null;
  details: unknown;
  ip: string | null;
}

/** Who changed what, when and from where; readable by admins. Secrets are never in `details`. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(actor: Principal, facts: AuditFacts, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await insertAudit(manager, actor, facts);
  }

  /**
   * Newest first. A page never ends inside a run of entries with the same `at` (to the
   * millisecond, as the answer shows it): the run is completed, so `before` = the last entry's
   * `at` continues exactly where the page stopped, skipping nothing.
   */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    // `team` matches every team.* action; `team.update` just that one.
    if (query.action) add("(action = ? OR action LIKE replace(replace(replace(?, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '.%')", query.action);
    if (query.actorId) add('actor_id = ?', query.actorId);
    if (query.before) add('at < ?::timestamptz', query.before);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    params.push(query.limit ?? DEFAULT_LIMIT);
    const rows: AuditRow[] = await this.dataSource.query(
      `WITH page AS (SELECT at FROM audit_log ${filter} ORDER BY at DESC, id DESC LIMIT $${params.length})
       SELECT a.*, ${TARGET_NAME_SQL} AS target_name
         FROM audit_log a ${filter} ${filter ? 'AND' : 'WHERE'} at >= date_trunc('milliseconds', (SELECT min(at) FROM page))
        ORDER BY at DESC, id DESC`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      target: r.target,
      targetName: r.target_name,
      details: r.details,
      ip: r.ip,
    }));
  }
}
