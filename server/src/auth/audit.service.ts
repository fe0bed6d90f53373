import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEntry } from '@salesboard/shared';
import type { Principal } from './principal.js';

export interface AuditFacts {
  action: string;
  target?: string;
  details?: unknown;
  ip?: string;
}

/** Who changed what, when and from where; readable by admins. Secrets are never in `details`. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(actor: Principal, facts: AuditFacts, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('INSERT INTO audit_log (actor_kind, actor_id, actor_name, action, target, details, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      actor.kind,
      actor.id,
      actor.name,
      facts.action,
      facts.target ?? null,
      facts.details === undefined ? null : JSON.stringify(facts.details),
      facts.ip ?? null,
    ]);
  }

  async list(limit = 200): Promise<AuditEntry[]> {
    const rows: {
      id: string;
      at: Date;
      actor_kind: string;
      actor_id: string | null;
      actor_name: string | null;
      action: string;
      target: string | null;
      details: unknown;
      ip: string | null;
    }[] = await this.dataSource.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      target: r.target,
      details: r.details,
      ip: r.ip,
    }));
  }
}
