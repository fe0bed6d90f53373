/**
 * The one write path for deals: REST, the CRM webhooks, CSV imports, the demo and the simulator
 * all change deals here. It alone writes stage history, picks each change's event type and
 * applies the rules: a new deal without a currency is in the organisation's currency; leaving
 * won or lost is a reopen (a REST caller must ask for it; a CRM or a file is the source of truth
 * for its deals and reopens them as they say); a REST caller's rights are checked before the
 * references it names; a deal's currency must have an exchange rate on the day it converts on
 * (its close day, or today while open), else the write is a 422 naming both, whatever its path.
 * The SQL is in deals.repository.ts.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ChangeStageInput, CreateDealInput, Deal, ForecastCategory, LoggedEvent, LoggedEventType, Stage, UpdateDealInput } from '@salesboard/shared';
import { normalizeMoney } from '@salesboard/shared';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { forbidden } from '../auth/auth.guard.js';
import { canSeeDeal, canWriteDeal, type DealOwnership, dealWriteRights, type DealWriteRights, type Principal, seesEveryDeal } from '../auth/principal.js';
import { badField, conflict, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { EventWriter, type WriteTx } from '../events/event-writer.service.js';
import { ExchangeRatesService, noExchangeRate } from '../exchange-rates/exchange-rates.service.js';
import type { ChangeContext } from '../auth/change-context.js';
import { orgRecordExists } from '../org/org.repository.js';
import { StagesService } from '../stages/stages.service.js';
import { findDeal } from './deal.query.js';
import { StageChangeBatches } from './stage-change-batches.js';
import {
  type BulkDealRow,
  type DealColumns,
  type DealRecord,
  deleteDeal,
  insertDeal,
  insertDealsWithHistory,
  insertDealsWithIds,
  insertStageMoves,
  lockDeal,
  lockDealByExternalId,
  lockDealsByExternalIds,
  type StageMove,
  updateDeal,
  updateDealsWithHistory,
} from './deals.repository.js';

/** The fields a change sets; absent fields are left as they are. */
export interface DealPatch {
  name?: string;
  ownerId?: string;
  amount?: string;
  currency?: string;
  accountId?: string | null;
  productId?: string | null;
  expectedCloseDate?: string | null;
  forecastOverride?: ForecastCategory | null;
  stage?: Stage;
}

/** A new deal's fields; the stage defaults to the first open one, the currency to the organisation's. */
export type NewDeal = Omit<DealPatch, 'name' | 'ownerId' | 'amount'> & { name: string; ownerId: string; amount: string; externalId?: string | null };

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** One row of a bulk upsert (an import): the file's values, with its references resolved. */
export interface BulkDeal {
  externalId: string;
  name: string;
  accountId: string | null;
  productId: string | null;
  ownerId: string;
  amount: string;
  currency: string;
  stage: Stage;
  expectedCloseDate: string | null;
  closedAt: Date | null;
  /** From the file, or null when the file has no created date. */
  createdAt: Date | null;
}

/** A deal of the demo's starting state, with the stages it went through. */
export interface SeededDeal {
  id: string;
  name: string;
  accountId: string;
  productId: string;
  ownerId: string;
  amount: string;
  createdAt: Date;
  expectedCloseDate: string;
  path: { from: string | null; to: string; at: Date }[];
}

/** The event a move into `to` is: a win, a loss, or a plain stage change. */
function stageEventType(to: Stage): LoggedEventType {
  return to.kind === 'won' ? 'deal.won' : to.kind === 'lost' ? 'deal.lost' : 'deal.stageChanged';
}

@Injectable()
export class DealCommands {
  /** Stage changes waiting for the database go in together (group commit). */
  private readonly stageChanges = new StageChangeBatches();

  constructor(
    private readonly writer: EventWriter,
    private readonly stages: StagesService,
    private readonly rates: ExchangeRatesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Why each deal, in its currency and closed at `closedAtOf(deal)` (null: open), cannot be
   * converted to the organisation's currency, or null when it can. An import asks this of a whole
   * batch before it writes a row: one query, then an answer per deal. Deals in the organisation's
   * currency need no rate and cost nothing here.
   */
  async missingRates<T extends { currency: string }>(
    manager: EntityManager,
    deals: readonly T[],
    closedAtOf: (deal: T) => Date | null,
  ): Promise<(deal: T) => string | null> {
    const now = new Date();
    const dayOf = (deal: T) => this.rates.dayOf(closedAtOf(deal) ?? now);
    const foreign = deals.filter((deal) => deal.currency !== this.config.currency);
    const missing = await this.rates.missingRates(
      manager,
      foreign.map((deal) => ({ currency: deal.currency, day: dayOf(deal) })),
    );
    return (deal) => (deal.currency === this.config.currency ? null : missing(deal.currency, dayOf(deal)));
  }

  // ---- one deal, in a transaction of its own (REST and the simulator) ------------------------

  async create(input: CreateDealInput, context: ChangeContext): Promise<Deal> {
    return this.writer.transaction(context, (tx) => this.createIn(tx, input, context));
  }

  /**
   * Creates a deal inside the caller's transaction, with the same rules as `create`: a lead's
   * conversion makes its deal and records the lead's new status in one commit, or neither.
   */
  async createIn(tx: WriteTx, input: CreateDealInput, context: ChangeContext): Promise<Deal> {
    const stage = input.stage ? this.requireStage(input.stage) : this.stages.firstOpen();
    // Rights first: a refusal must not depend on whether the account or product named exists.
    if (context.principal && !canWriteDeal(context.principal, await this.ownershipOfRep(tx.manager, input.ownerId))) {
      throw forbidden(`authorization: you may not create deals for rep ${input.ownerId}`);
    }
    await this.requireRefs(tx.manager, input);
    const source = input.source ?? context.source;
    const id = await this.insert(tx, context, source, { ...input, stage });
    if (!id) throw conflict(`externalId: a deal from ${source} with id ${input.externalId} already exists`);
    return this.reload(tx.manager, id);
  }

  async update(id: string, input: UpdateDealInput, context: ChangeContext): Promise<Deal> {
    return this.writer.transaction(context, async (tx) => {
      const record = await this.lock(tx.manager, id, context.principal);
      // Rights on the deal before its references: whoever may not change it learns nothing of them.
      this.requireWritable(context.principal, await findDeal(tx.manager, id), id);
      await this.requireRefs(tx.manager, input);
      if (input.ownerId && context.principal && !canWriteDeal(context.principal, await this.ownershipOfRep(tx.manager, input.ownerId))) {
        throw forbidden(`authorization: you may not give deals to rep ${input.ownerId}`);
      }
      return (await this.apply(tx, context, record, input)) ?? this.reload(tx.manager, id);
    });
  }

  /**
   * Moves a deal to another stage. Leaving won or lost is a reopen and must be asked for;
   * moving to the stage it is in is refused, so a replayed request cannot count twice.
   */
  async changeStage(id: string, input: ChangeStageInput, context: ChangeContext): Promise<Deal> {
    const to = this.requireStage(input.stage);
    // Checks that need no database (in-process caches) go here: the statement below is the whole write.
    const rights: DealWriteRights = context.principal ? dealWriteRights(context.principal) : { any: true, repId: null, teamIds: [] };
    return this.writer.statement(context, async (statement) => {
      const change = { deal: id, to: to.key, reopen: input.reopen ?? false, at: new Date().toISOString(), ...rights, ...statement.log };
      const changed = await this.stageChanges.submit(statement, change).catch((error: unknown) => {
        throw this.stageRefusal(error, id, to, context.principal);
      });
      const event = { seq: changed.seq, type: changed.type, at: changed.at, payload: { deal: changed.deal, from: changed.from, to: to.key } } as LoggedEvent;
      return { value: changed.deal, events: [event] };
    });
  }

  /** The 4xx for a refusal of deal_change_stage (its SQLSTATEs), in the words of the rules above; anything else as it came. */
  private stageRefusal(error: unknown, id: string, to: Stage, principal: Principal | undefined): unknown {
    if (!(error instanceof pg.DatabaseError)) return error;
    switch (error.code) {
      case 'SB404':
        return principal ? hiddenDeal(principal, id) : notFound('deal', id);
      case 'SB403': {
        const deal = JSON.parse(error.detail ?? 'null') as DealOwnership | null;
        // Only a principal's rights can refuse, so there is one.
        return deal && principal && canSeeDeal(principal, deal) ? forbidden(`authorization: you may not change deal ${id}`) : hiddenDeal(principal!, id);
      }
      case 'SB409':
        return conflict(`stage: deal ${id} is already in stage ${to.key}`);
      case 'SB410':
        return conflict(`stage: deal ${id} is ${error.detail}; moving it to ${to.key} reopens it, send "reopen": true`);
      case 'SB400':
        return badField('stage', `"${to.key}" is not a stage of the pipeline`);
      case 'SB422': {
        const missing = JSON.parse(error.detail ?? '{}') as { currency: string; day: string };
        return noExchangeRate(missing.currency, missing.day);
      }
      default:
        return error;
    }
  }

  // ---- inside the caller's transaction (CRM deliveries, imports, the demo) -------------------

  /**
   * Creates the deal a source knows by `externalId`, or changes what differs. `creation` gives
   * what a new deal needs that the patch may lack (its owner, a name); it may refuse.
   */
  async upsertByExternalId(
    tx: WriteTx,
    context: ChangeContext,
    source: string,
    externalId: string,
    patch: DealPatch,
    creation: () => Promise<{ ownerId: string; name: string }>,
  ): Promise<UpsertOutcome> {
    const existing = await lockDealByExternalId(tx.manager, source, externalId);
    if (existing) return (await this.apply(tx, context, existing, patch)) ? 'updated' : 'unchanged';
    const defaults = await creation();
    const id = await this.insert(tx, context, source, {
      ...patch,
      name: patch.name ?? defaults.name,
      ownerId: patch.ownerId ?? defaults.ownerId,
      amount: patch.amount ?? '0.00',
      externalId,
    });
    if (id) return 'created';
    // Another delivery for the same new deal committed first: this one is an update of it.
    const raced = await lockDealByExternalId(tx.manager, source, externalId);
    if (!raced) throw new Error(`deal ${source}:${externalId} neither inserted nor found`);
    return (await this.apply(tx, context, raced, patch)) ? 'updated' : 'unchanged';
  }

  async deleteByExternalId(tx: WriteTx, source: string, externalId: string): Promise<'deleted' | 'unchanged'> {
    const existing = await lockDealByExternalId(tx.manager, source, externalId);
    if (!existing) return 'unchanged';
    const deal = await this.reload(tx.manager, existing.id);
    await deleteDeal(tx.manager, existing.id);
    tx.emit('deal.deleted', { deal });
    return 'deleted';
  }

  /**
   * Creates or updates a batch of deals by external id with set-based SQL (a few statements per
   * batch, whatever its size), with a stage-history row per deal created or moved: at its close
   * for a closed deal, else now. No per-deal events: an import tells screens once, at its end.
   * `hasCreatedDates`: only a file with a created-date column changes an existing deal's created_at.
   * `whileWriting` is called once the batch's inserts are on their way to the database, before
   * they are awaited: what the caller does then overlaps PostgreSQL's work.
   */
  async bulkUpsert(
    tx: WriteTx,
    source: string,
    rows: BulkDeal[],
    hasCreatedDates: boolean,
    whileWriting: () => void = () => undefined,
  ): Promise<{ created: number; updated: number; unchanged: number }> {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const now = new Date();
    // The import rejects such rows first (missingRates); one that slips through fails the batch rather than count unconverted.
    await this.rates.requireRates(
      tx.manager,
      rows.filter((r) => r.currency !== this.config.currency).map((r) => ({ currency: r.currency, day: this.rates.dayOf(r.closedAt ?? now) })),
    );
    let pending = rows;
    // Two passes at most: a row another import created in between is an update the second time.
    for (let pass = 0; pass < 2 && pending.length > 0; pass++) {
      const existing = await lockDealsByExternalIds(
        tx.manager,
        source,
        pending.map((r) => r.externalId),
      );
      const creates: BulkDealRow[] = [];
      const updates: BulkDealRow[] = [];
      for (const r of pending) {
        const deal = existing.get(r.externalId);
        if (!deal) {
          const createdAt = r.createdAt ?? (r.closedAt && r.closedAt < now ? r.closedAt : now);
          creates.push(bulkRow(r, null, null, createdAt, r.closedAt ?? now));
          continue;
        }
        const write = compareBulk(deal, r, now, hasCreatedDates);
        if (write) updates.push(write);
        else counts.unchanged++;
      }
      const inserting = insertDealsWithHistory(tx.manager, source, creates);
      if (pass === 0) whileWriting();
      const inserted = await inserting;
      counts.created += inserted.size;
      await updateDealsWithHistory(tx.manager, source, updates);
      counts.updated += updates.length;
      pending = pending.filter((r) => !existing.has(r.externalId) && !inserted.has(r.externalId));
    }
    return counts;
  }

  /** The demo's starting state: deals with their whole stage history, in the organisation's currency. */
  async seedHistory(tx: WriteTx, context: ChangeContext, deals: SeededDeal[]): Promise<void> {
    const closing = (d: SeededDeal) => d.path[d.path.length - 1];
    await insertDealsWithIds(
      tx.manager,
      context.source,
      deals.map((d) => {
        const last = closing(d);
        const closed = this.requireStage(last.to).kind !== 'open';
        return {
          id: d.id,
          source: context.source,
          external_id: null,
          name: d.name,
          account_id: d.accountId,
          product_id: d.productId,
          owner_id: d.ownerId,
          amount: d.amount,
          currency: this.config.currency,
          stage: last.to,
          forecast_override: null,
          created_at: d.createdAt,
          expected_close_date: d.expectedCloseDate,
          closed_at: closed ? last.at : null,
          stage_entered_at: last.at,
        };
      }),
    );
    await insertStageMoves(
      tx.manager,
      deals.flatMap((d) =>
        d.path.map((step) => ({
          deal_id: d.id,
          from_stage: step.from,
          to_stage: step.to,
          amount: d.amount,
          rep_id: d.ownerId,
          at: step.at,
          source: context.source,
        })),
      ),
    );
    // One event for the whole history, as an import does: live aggregates rebuild, views reload.
    tx.emit('deals.imported', { jobId: context.source, created: deals.length, updated: 0, rejected: 0 });
  }

  // ---- the rules, once ----------------------------------------------------------------------

  /** Inserts a deal with its first stage-history row and `deal.created`; null when its external id is taken. */
  private async insert(tx: WriteTx, context: ChangeContext, source: string, deal: NewDeal): Promise<string | null> {
    const stage = deal.stage ?? this.stages.firstOpen();
    const now = new Date();
    await this.rates.requireRates(tx.manager, [{ currency: deal.currency ?? this.config.currency, day: this.rates.dayOf(now) }]);
    const id = await insertDeal(
      tx.manager,
      {
        source,
        external_id: deal.externalId ?? null,
        name: deal.name,
        account_id: deal.accountId ?? null,
        product_id: deal.productId ?? null,
        owner_id: deal.ownerId,
        amount: deal.amount,
        currency: deal.currency ?? this.config.currency,
        stage: stage.key,
        forecast_override: deal.forecastOverride ?? null,
        created_at: now,
        expected_close_date: deal.expectedCloseDate ?? null,
        closed_at: stage.kind === 'open' ? null : now,
        stage_entered_at: now,
      },
      now,
    );
    if (!id) return null;
    await insertStageMoves(tx.manager, [this.move(context, id, null, stage.key, deal.amount, deal.ownerId, now)]);
    tx.emit('deal.created', { deal: await this.reload(tx.manager, id) });
    return id;
  }

  /**
   * Applies a patch to a locked deal: the changed columns, a stage-history row if it moves, then
   * `deal.updated` for the fields and the move's own event. Null when nothing differs.
   */
  private async apply(tx: WriteTx, context: ChangeContext, record: DealRecord, patch: DealPatch): Promise<Deal | null> {
    const changes: DealColumns = {};
    const changed: (keyof Deal)[] = [];
    const set = <K extends keyof DealColumns>(field: keyof Deal, column: K, value: DealColumns[K]) => {
      changes[column] = value;
      changed.push(field);
    };
    if (patch.name !== undefined && patch.name !== record.name) set('name', 'name', patch.name);
    if (patch.ownerId !== undefined && patch.ownerId !== record.owner_id) set('ownerId', 'owner_id', patch.ownerId);
    if (patch.amount !== undefined && normalizeMoney(patch.amount) !== normalizeMoney(record.amount)) set('amount', 'amount', patch.amount);
    if (patch.currency !== undefined && patch.currency !== record.currency) set('currency', 'currency', patch.currency);
    if (patch.accountId !== undefined && (patch.accountId ?? null) !== record.account_id) set('accountId', 'account_id', patch.accountId ?? null);
    if (patch.productId !== undefined && (patch.productId ?? null) !== record.product_id) set('productId', 'product_id', patch.productId ?? null);
    if (patch.expectedCloseDate !== undefined && (patch.expectedCloseDate ?? null) !== record.expected_close_date)
      set('expectedCloseDate', 'expected_close_date', patch.expectedCloseDate ?? null);
    if (patch.forecastOverride !== undefined && (patch.forecastOverride ?? null) !== record.forecast_override)
      set('forecastOverride', 'forecast_override', patch.forecastOverride ?? null);
    const to = patch.stage && patch.stage.key !== record.stage ? patch.stage : null;
    if (changed.length === 0 && !to) return null;

    const now = new Date();
    if (to || changes.amount !== undefined || changes.currency !== undefined) {
      const closedAt = to ? (to.kind === 'open' ? null : now) : record.closed_at;
      await this.rates.requireRates(tx.manager, [{ currency: changes.currency ?? record.currency, day: this.rates.dayOf(closedAt ?? now) }]);
    }
    const before = await this.reload(tx.manager, record.id);
    if (to) Object.assign(changes, { stage: to.key, stage_entered_at: now, closed_at: to.kind === 'open' ? null : now });
    await updateDeal(tx.manager, record.id, changes, now);
    if (to)
      await insertStageMoves(tx.manager, [
        this.move(context, record.id, record.stage, to.key, changes.amount ?? record.amount, changes.owner_id ?? record.owner_id, now),
      ]);
    const after = await this.reload(tx.manager, record.id);
    if (changed.length) {
      const previous = Object.fromEntries(changed.map((field) => [field, before[field]])) as Partial<Deal>;
      if (changes.owner_id) Object.assign(previous, { ownerName: before.ownerName, teamId: before.teamId, territoryId: before.territoryId });
      if (changes.forecast_override !== undefined) previous.forecastCategory = before.forecastCategory;
      // Screens add the converted amount: they need its old value whenever the amount or the currency moved.
      if (changes.amount !== undefined || changes.currency !== undefined) previous.amountInOrgCurrency = before.amountInOrgCurrency;
      tx.emit('deal.updated', { deal: after, changed, previous });
    }
    if (to) tx.emit(stageEventType(to), { deal: after, from: record.stage, to: to.key });
    return after;
  }

  private move(context: ChangeContext, dealId: string, from: string | null, to: string, amount: string, repId: string, at: Date): StageMove {
    return { deal_id: dealId, from_stage: from, to_stage: to, amount: normalizeMoney(amount), rep_id: repId, at, source: context.source };
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

  private async lock(manager: EntityManager, id: string, principal?: Principal): Promise<DealRecord> {
    const record = await lockDeal(manager, id);
    if (!record) throw principal ? hiddenDeal(principal, id) : notFound('deal', id);
    return record;
  }

  private async reload(manager: EntityManager, id: string): Promise<Deal> {
    const deal = await findDeal(manager, id);
    if (!deal) throw notFound('deal', id);
    return deal;
  }

  private requireWritable(principal: Principal | undefined, deal: DealOwnership | null, id: string): void {
    if (!principal) return;
    if (!deal || !canWriteDeal(principal, deal))
      throw deal && canSeeDeal(principal, deal) ? forbidden(`authorization: you may not change deal ${id}`) : hiddenDeal(principal, id);
  }

  private async ownershipOfRep(manager: EntityManager, repId: string): Promise<DealOwnership> {
    const [rep]: { team_id: string | null }[] = await manager.query('SELECT team_id FROM reps WHERE id = $1', [repId]);
    return { ownerId: repId, teamId: rep?.team_id ?? null };
  }

  /** A reference to a rep, account or product that is not there is the caller's mistake: 400 naming it. */
  private async requireRefs(manager: EntityManager, input: { ownerId?: string; accountId?: string | null; productId?: string | null }): Promise<void> {
    if (input.ownerId && !(await orgRecordExists(manager, 'reps', input.ownerId))) throw badField('ownerId', `no rep with id ${input.ownerId}`);
    if (input.accountId && !(await orgRecordExists(manager, 'accounts', input.accountId))) throw badField('accountId', `no account with id ${input.accountId}`);
    if (input.productId && !(await orgRecordExists(manager, 'products', input.productId))) throw badField('productId', `no product with id ${input.productId}`);
  }
}

/**
 * 403 for a deal the caller may not touch, and also for one that does not exist when the
 * caller could not see it anyway: the answer must not tell a rep which deal ids exist.
 */
export function hiddenDeal(principal: Principal, id: string) {
  return seesEveryDeal(principal) ? notFound('deal', id) : forbidden(`authorization: deal ${id} is not yours to see or change`);
}

function bulkRow(r: BulkDeal, id: string | null, fromStage: string | null, createdAt: Date, stageEnteredAt: Date): BulkDealRow {
  return {
    id,
    from_stage: fromStage,
    external_id: r.externalId,
    name: r.name,
    account_id: r.accountId,
    product_id: r.productId,
    owner_id: r.ownerId,
    amount: r.amount,
    currency: r.currency,
    stage: r.stage.key,
    created_at: createdAt,
    expected_close_date: r.expectedCloseDate,
    closed_at: r.closedAt,
    stage_entered_at: stageEnteredAt,
  };
}

/** The write a row makes to its existing deal, or null when the deal already holds exactly these values. */
function compareBulk(deal: DealRecord, r: BulkDeal, now: Date, hasCreatedDates: boolean): BulkDealRow | null {
  const createdAt = hasCreatedDates && r.createdAt ? r.createdAt : deal.created_at;
  const same =
    deal.name === r.name &&
    deal.account_id === r.accountId &&
    deal.product_id === r.productId &&
    deal.owner_id === r.ownerId &&
    normalizeMoney(deal.amount) === r.amount &&
    deal.currency === r.currency &&
    deal.stage === r.stage.key &&
    deal.expected_close_date === r.expectedCloseDate &&
    (deal.closed_at?.getTime() ?? null) === (r.closedAt?.getTime() ?? null) &&
    deal.created_at.getTime() === createdAt.getTime();
  if (same) return null;
  const moved = deal.stage !== r.stage.key;
  return bulkRow(r, deal.id, deal.stage, createdAt, moved ? (r.closedAt ?? now) : deal.stage_entered_at);
}
