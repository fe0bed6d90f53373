import { Injectable } from '@nestjs/common';
import type { Activity, LogActivityInput } from '@salesboard/shared';
import { forbidden } from '../auth/auth.guard.js';
import { canWriteFor } from '../auth/principal.js';
import { badField } from '../common/errors.js';
import { EventWriter } from '../events/event-writer.service.js';
import type { ChangeContext } from '../auth/change-context.js';
import { checkReferencedDeal } from '../deals/deal.query.js';
import { RepEntity } from '../org/org.entities.js';
import { ActivityEntity } from './activity.entity.js';

@Injectable()
export class ActivitiesService {
  constructor(private readonly writer: EventWriter) {}

  log(input: LogActivityInput, context: ChangeContext): Promise<Activity> {
    return this.writer.transaction(context, async (tx) => {
      const rep = await tx.manager.findOneBy(RepEntity, { id: input.repId });
      if (!rep) throw badField('repId', `no rep with id ${input.repId}`);
      if (context.principal && !canWriteFor(context.principal, { repId: rep.id, teamId: rep.teamId })) {
        throw forbidden("authorization: reps log their own activities, managers their teams'");
      }
      if (input.dealId) await checkReferencedDeal(tx.manager, context.principal, input.dealId, 'dealId');
      const entity = tx.manager.create(ActivityEntity, {
        type: input.type,
        repId: input.repId,
        dealId: input.dealId ?? null,
        note: input.note ?? null,
        at: input.at ? new Date(input.at) : new Date(),
      });
      await tx.manager.insert(ActivityEntity, entity);
      const activity = mapActivity(entity);
      tx.emit('activity.logged', { activity, repName: rep.name });
      return activity;
    });
  }
}

export function mapActivity(a: ActivityEntity): Activity {
  return { id: a.id, type: a.type, repId: a.repId, dealId: a.dealId, note: a.note, at: a.at.toISOString() };
}
