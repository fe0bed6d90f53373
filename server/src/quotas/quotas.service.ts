import { Injectable } from '@nestjs/common';
import type { PutQuotaInput, Quota } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';
import { changedFields, writeAudit } from '../auth/audit.service.js';
import type { AuditedChange } from '../auth/audited-change.decorator.js';
import { forbidden } from '../auth/auth.guard.js';
import { canWriteFor } from '../auth/principal.js';
import { badField } from '../common/errors.js';
import { EventWriter } from '../events/event-writer.service.js';
import { RepEntity, TeamEntity } from '../org/org.entities.js';
import { QuotaEntity } from './quota.entity.js';

@Injectable()
export class QuotasService {
  constructor(private readonly writer: EventWriter) {}

  /** Sets the quota of a rep or team for one month or quarter: a second PUT replaces the first. */
  put(input: PutQuotaInput, context: AuditedChange): Promise<Quota> {
    return this.writer.transaction(context, async (tx) => {
      if (input.repId && !(await tx.manager.existsBy(RepEntity, { id: input.repId }))) throw badField('repId', `no rep with id ${input.repId}`);
      if (input.teamId && !(await tx.manager.existsBy(TeamEntity, { id: input.teamId }))) throw badField('teamId', `no team with id ${input.teamId}`);
      if (context.principal) {
        const rep = input.repId ? await tx.manager.findOneBy(RepEntity, { id: input.repId }) : null;
        const target = { repId: input.repId ?? null, teamId: input.teamId ?? rep?.teamId ?? null };
        if (!canWriteFor(context.principal, target)) throw forbidden('authorization: you may set quotas only for your own teams and their reps');
      }
      const target = input.repId ? 'rep_id' : 'team_id';
      const [previous]: { amount: string }[] = await tx.manager.query(
        `SELECT amount::text AS amount FROM quotas WHERE ${target} = $1 AND period = $2 AND period_start = $3 FOR UPDATE`,
        [input.repId ?? input.teamId, input.period, input.periodStart],
      );
      const rows: QuotaRow[] = await tx.manager.query(
        `INSERT INTO quotas (rep_id, team_id, period, period_start, amount)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (${target}, period, period_start) WHERE ${target} IS NOT NULL
         DO UPDATE SET amount = EXCLUDED.amount, updated_at = now()
         RETURNING id, rep_id, team_id, period, to_char(period_start, 'YYYY-MM-DD') AS period_start, amount::text AS amount`,
        [input.repId ?? null, input.teamId ?? null, input.period, input.periodStart, input.amount],
      );
      const quota = mapQuotaRow(rows[0]);
      await writeAudit(tx.manager, context, {
        action: 'quota.update',
        target: input.repId ? `rep:${input.repId}` : `team:${input.teamId}`,
        details: {
          period: quota.period,
          periodStart: quota.periodStart,
          ...changedFields({ amount: previous ? normalizeMoney(previous.amount) : null }, { amount: quota.amount }),
        },
      });
      tx.emit('quota.updated', { quota });
      return quota;
    });
  }
}

interface QuotaRow {
  id: string;
  rep_id: string | null;
  team_id: string | null;
  period: QuotaEntity['period'];
  period_start: string;
  amount: string;
}

function mapQuotaRow(r: QuotaRow): Quota {
  return { id: r.id, repId: r.rep_id, teamId: r.team_id, period: r.period, periodStart: r.period_start, amount: normalizeMoney(r.amount) };
}
