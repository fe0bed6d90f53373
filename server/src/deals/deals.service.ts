import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChangeStageInput, CreateDealInput, Deal, DealHistoryEntry, DealsQuery, LoggedEventType, Stage, UpdateDealInput } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { forbidden } from '../auth/auth.guard.js';
import { canSeeDeal, canWriteDeal, type DealOwnership, type Principal, seesEveryDeal } from '../auth/principal.js';
import { badField, conflict, notFound } from '../common/errors.js';
import { type ChangeContext, EventWriter } from '../events/event-writer.service.js';
import { AccountEntity, ProductEntity, RepEntity } from '../org/org.entities.js';
import { StagesService } from '../stages/stages.service.js';
import { DealEntity } from './deal.entity.js';
import { findDealHistory } from './deal-history.query.js';
import { findDeal, findDeals, visibleTo } from './deal.query.js';
import { StageHistoryEntity } from './stage-history.entity.js';

/** The event a move into `to` is: a win, a loss, or a plain stage change. */
function stageEventType(to: Stage): LoggedEventType {
  return to.kind === 'won' ? 'deal.won' : to.kind === 'lost' ? 'deal.lost' : 'deal.stageChanged';
}

@Injectable()
export class DealsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
    private readonly stages: StagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A rep lists their own deals, a manager their teams'; the filters narrow that further. */
  list(query: DealsQuery, principal?: Principal): Promise<Deal[]> {
    return findDeals(this.dataSource.manager, query, principal ? visibleTo(principal) : undefined);
  }

  async get(id: string, principal?: Principal): Promise<Deal> {
    const deal = await findDeal(this.dataSource.manager, id);
    if (principal && !(deal && canSeeDeal(principal, deal))) throw this.hidden(principal, id);
    if (!deal) throw notFound('deal', id);
    return deal;
  }

  /**
   * What happened to a deal and who did it, oldest first; readable by whoever may read the deal.
   * A deal deleted in its CRM keeps its history, readable by whoever could read it before.
   */
  async history(id: string, principal?: Principal): Promise<DealHistoryEntry[]> {
    const deal = await findDeal(this.dataSource.manager, id);
    if (deal && principal && !canSeeDeal(principal, deal)) throw this.hidden(principal, id);
    const { entries, last } = await findDealHistory(this.dataSource.manager, id);
    const known = deal ?? last;
    if (!known || (principal && !canSeeDeal(principal, known))) throw principal ? this.hidden(principal, id) : notFound('deal', id);
    return entries;
  }

  /**
   * 403 for a deal the caller may not touch, and also for one that does not exist when the
   * caller could not see it anyway: the answer must not tell a rep which deal ids exist.
   */
  private hidden(principal: Principal, id: string) {
    return seesEveryDeal(principal) ? notFound('deal', id) : forbidden(`authorization: deal ${id} is not yours to see or change`);
  }

  private requireWritable(principal: Principal | undefined, deal: DealOwnership | null, id: string): void {
    if (!principal) return;
    if (!deal || !canWriteDeal(principal, deal))
      throw deal && canSeeDeal(principal, deal) ? forbidden(`authorization: you may not change deal ${id}`) : this.hidden(principal, id);
  }

  private async ownershipOfRep(manager: EntityManager, repId: string): Promise<DealOwnership> {
    const [rep]: { team_id: string | null }[] = await manager.query('SELECT team_id FROM reps WHERE id = $1', [repId]);
    return { ownerId: repId, teamId: rep?.team_id ?? null };
  }

  async create(input: CreateDealInput, context: ChangeContext): Promise<Deal> {
    const stage = input.stage ? this.requireStage(input.stage) : this.stages.firstOpen();
    return this.writer.transaction(context, async (tx) => {
      // Rights first: a refusal must not depend on whether the account or product named exists.
      if (context.principal && !canWriteDeal(context.principal, await this.ownershipOfRep(tx.manager, input.ownerId))) {
        throw forbidden(`authorization: you may not create deals for rep ${input.ownerId}`);
      }
      await this.requireRefs(tx.manager, input);
      const now = new Date();
      const entity = tx.manager.create(DealEntity, {
        source: input.source ?? (context.source as DealEntity['source']),
        externalId: input.externalId ?? null,
        name: input.name,
        accountId: input.accountId ?? null,
        productId: input.productId ?? null,
        ownerId: input.ownerId,
        amount: input.amount,
        currency: input.currency ?? this.config.currency,
        stage: stage.key,
        forecastOverride: input.forecastOverride ?? null,
        createdAt: now,
        expectedCloseDate: input.expectedCloseDate ?? null,
        closedAt: stage.kind === 'open' ? null : now,
        stageEnteredAt: now,
        updatedAt: now,
      });
      await tx.manager.insert(DealEntity, entity).catch((error: { code?: string }) => {
        if (error.code === '23505') throw conflict(`externalId: a deal from ${entity.source} with id ${entity.externalId} already exists`);
        throw error;
      });
      await this.recordStage(tx.manager, entity, null, now, context);
      const deal = await this.reload(tx.manager, entity.id);
      tx.emit('deal.created', { deal });
      return deal;
    });
  }

  async update(id: string, input: UpdateDealInput, context: ChangeContext): Promise<Deal> {
    return this.writer.transaction(context, async (tx) => {
      const entity = await this.lock(tx.manager, id, context.principal);
      const before = await this.reload(tx.manager, id);
      // Rights on the deal before its references: whoever may not change it learns nothing of them.
      this.requireWritable(context.principal, before, id);
      await this.requireRefs(tx.manager, input);
      if (input.ownerId && context.principal && !canWriteDeal(context.principal, await this.ownershipOfRep(tx.manager, input.ownerId))) {
        throw forbidden(`authorization: you may not give deals to rep ${input.ownerId}`);
      }
      const changes: Partial<DealEntity> = {};
      if (input.name !== undefined && input.name !== entity.name) changes.name = input.name;
      if (input.ownerId !== undefined && input.ownerId !== entity.ownerId) changes.ownerId = input.ownerId;
      if (input.amount !== undefined && input.amount !== before.amount) changes.amount = input.amount;
      if (input.accountId !== undefined && (input.accountId ?? null) !== entity.accountId) changes.accountId = input.accountId ?? null;
      if (input.productId !== undefined && (input.productId ?? null) !== entity.productId) changes.productId = input.productId ?? null;
      if (input.expectedCloseDate !== undefined && (input.expectedCloseDate ?? null) !== entity.expectedCloseDate)
        changes.expectedCloseDate = input.expectedCloseDate ?? null;
      if (input.forecastOverride !== undefined && (input.forecastOverride ?? null) !== entity.forecastOverride)
        changes.forecastOverride = input.forecastOverride ?? null;
      const changed = Object.keys(changes);
      if (changed.length === 0) return before;
      await tx.manager.update(DealEntity, { id }, { ...changes, updatedAt: new Date() });
      const deal = await this.reload(tx.manager, id);
      const previous = Object.fromEntries(changed.map((field) => [field, before[field as keyof Deal]])) as Partial<Deal>;
      if (changes.ownerId) Object.assign(previous, { ownerName: before.ownerName, teamId: before.teamId, territoryId: before.territoryId });
      if (changes.forecastOverride !== undefined) previous.forecastCategory = before.forecastCategory;
      tx.emit('deal.updated', { deal, changed, previous });
      return deal;
    });
  }

  /**
   * Moves a deal to another stage. Leaving won or lost is a reopen and must be asked for;
   * moving to the stage it is in is refused, so a replayed request cannot count twice.
   */
  async changeStage(id: string, input: ChangeStageInput, context: ChangeContext): Promise<Deal> {
    const to = this.requireStage(input.stage);
    return this.writer.transaction(context, async (tx) => {
      const entity = await this.lock(tx.manager, id, context.principal);
      this.requireWritable(context.principal, await findDeal(tx.manager, id), id);
      const from = this.requireStage(entity.stage);
      if (from.key === to.key) throw conflict(`stage: deal ${id} is already in stage ${to.key}`);
      if (from.kind !== 'open' && !input.reopen) {
        throw conflict(`stage: deal ${id} is ${from.kind}; moving it to ${to.key} reopens it, send "reopen": true`);
      }
      const now = new Date();
      entity.stage = to.key;
      entity.stageEnteredAt = now;
      entity.closedAt = to.kind === 'open' ? null : now;
      entity.updatedAt = now;
      await tx.manager.update(DealEntity, { id }, { stage: to.key, stageEnteredAt: now, closedAt: entity.closedAt, updatedAt: now });
      await this.recordStage(tx.manager, entity, from.key, now, context);
      const deal = await this.reload(tx.manager, id);
      tx.emit(stageEventType(to), { deal, from: from.key, to: to.key });
      return deal;
    });
  }

  private requireStage(key: string): Stage {
    const stage = this.stages.find(key);
    if (!stage)
      throw badField(
        'stage',
        `"${key}" is not a stage of the pipeline (${this.stages
          .list()
          .map((s) => s.key)
          .join(', ')})`,
      );
    return stage;
  }

  /** Locks the deal's row for the rest of the transaction: concurrent changes queue, never interleave. */
  private async lock(manager: EntityManager, id: string, principal?: Principal): Promise<DealEntity> {
    const entity = await manager.getRepository(DealEntity).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne();
    if (!entity) throw principal ? this.hidden(principal, id) : notFound('deal', id);
    return entity;
  }

  private async reload(manager: EntityManager, id: string): Promise<Deal> {
    const deal = await findDeal(manager, id);
    if (!deal) throw notFound('deal', id);
    return deal;
  }

  private async recordStage(manager: EntityManager, deal: DealEntity, fromStage: string | null, at: Date, context: ChangeContext): Promise<void> {
    await manager.insert(StageHistoryEntity, {
      dealId: deal.id,
      fromStage,
      toStage: deal.stage,
      amount: deal.amount,
      repId: deal.ownerId,
      at,
      source: (context.source as StageHistoryEntity['source']) ?? 'api',
    });
  }

  /** A reference to a rep, account or product that is not there is the caller's mistake: 400 naming it. */
  private async requireRefs(manager: EntityManager, input: { ownerId?: string; accountId?: string | null; productId?: string | null }): Promise<void> {
    if (input.ownerId && !(await manager.existsBy(RepEntity, { id: input.ownerId }))) throw badField('ownerId', `no rep with id ${input.ownerId}`);
    if (input.accountId && !(await manager.existsBy(AccountEntity, { id: input.accountId })))
      throw badField('accountId', `no account with id ${input.accountId}`);
    if (input.productId && !(await manager.existsBy(ProductEntity, { id: input.productId })))
      throw badField('productId', `no product with id ${input.productId}`);
  }
}
