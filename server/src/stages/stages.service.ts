import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { CreateStageInput, LoggedEvent, Stage, StageOrderInput, UpdateStageInput } from '@salesboard/shared';
import { changedFields, writeAudit } from '../auth/audit.service.js';
import type { AuditedChange } from '../auth/audited-change.decorator.js';
import { badField, conflict, notFound } from '../common/errors.js';
import { AppEvents } from '../events/app-events.js';
import { EventWriter } from '../events/event-writer.service.js';
import { StageEntity } from './stage.entity.js';

const STAGE_COLUMNS = `key, label, position, probability, forecast_category AS "forecastCategory", kind, stuck_after_days AS "stuckAfterDays"`;

/**
 * The pipeline's stages, read on every write: kept in memory and reloaded when they change. The
 * node that changes them reloads right after its commit; every node (that one too) reloads again
 * when the `org.changed` stage event reaches it through the event log, so all caches agree.
 */
@Injectable()
export class StagesService implements OnModuleInit {
  private readonly logger = new Logger(StagesService.name);
  private stages: Stage[] = [];
  private byKey = new Map<string, Stage>();

  constructor(
    @InjectRepository(StageEntity) private readonly repo: Repository<StageEntity>,
    private readonly writer: EventWriter,
    bus: AppEvents,
  ) {
    bus.on('log.applied', (events) => {
      if (events.some(isStageChange)) this.reload().catch((error: unknown) => this.logger.error(`could not reload the stages: ${String(error)}`));
    });
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await this.repo.find({ order: { position: 'ASC' } });
    this.stages = rows.map((r) => ({ ...r }));
    this.byKey = new Map(this.stages.map((s) => [s.key, s]));
  }

  list(): Stage[] {
    return this.stages;
  }

  find(key: string): Stage | undefined {
    return this.byKey.get(key);
  }

  /** Where a deal starts when no stage is given: the first open stage. */
  firstOpen(): Stage {
    const first = this.stages.find((s) => s.kind === 'open');
    if (!first) throw new Error('the pipeline has no open stage');
    return first;
  }

  // ---- the admin area --------------------------------------------------------------------

  /** A new stage at `position` (0-based; default: after the last open stage). */
  async create(input: CreateStageInput, change: AuditedChange): Promise<Stage> {
    return this.change(change, input.key, 'create', async (m) => {
      const stages = await this.lockAll(m);
      if (stages.some((s) => s.key === input.key)) throw conflict(`key: a stage ${input.key} already exists`);
      const lastOpen = stages.map((s) => s.kind).lastIndexOf('open');
      const index = Math.min(input.position ?? lastOpen + 1, stages.length);
      const keys = stages.map((s) => s.key);
      keys.splice(index, 0, input.key);
      const kinds = new Map(stages.map((s) => [s.key, s.kind]));
      kinds.set(input.key, input.kind);
      const misplaced = openAfterClosed(keys, kinds);
      if (misplaced) throw badField('position', `${misplaced}; open stages come before won and lost ones`);
      await m.query('INSERT INTO stages (key, label, position, probability, forecast_category, kind, stuck_after_days) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        input.key,
        input.label,
        -1,
        input.probability,
        input.forecastCategory,
        input.kind,
        input.stuckAfterDays,
      ]);
      await renumber(m, keys);
      const created = (await this.read(m, input.key)) as Stage;
      return { stage: created, details: changedFields(null, created) };
    });
  }

  /** Label, probability, forecast category, stuck limit; key and kind never change (deals and history refer to them). */
  async update(key: string, input: UpdateStageInput, change: AuditedChange): Promise<Stage> {
    return this.change(change, key, 'update', async (m) => {
      await this.lockAll(m);
      const before = await this.read(m, key);
      if (!before) throw notFound('stage', key);
      await m.query('UPDATE stages SET label = $2, probability = $3, forecast_category = $4, stuck_after_days = $5 WHERE key = $1', [
        key,
        input.label ?? before.label,
        input.probability ?? before.probability,
        input.forecastCategory ?? before.forecastCategory,
        input.stuckAfterDays ?? before.stuckAfterDays,
      ]);
      const after = (await this.read(m, key)) as Stage;
      return { stage: after, details: changedFields(before, after) };
    });
  }

  /**
   * Every key exactly once, in the new order. Open stages must come before won and lost ones:
   * the funnel counts a deal as going on when it reaches a later stage, and new deals start in
   * the first open stage, so a closed stage between open ones would make both wrong.
   */
  async reorder(input: StageOrderInput, change: AuditedChange): Promise<Stage[]> {
    await this.change(change, 'order', 'reorder', async (m) => {
      const stages = await this.lockAll(m);
      const known = new Set(stages.map((s) => s.key));
      const seen = new Set<string>();
      const duplicated = new Set(input.keys.filter((k) => seen.size === seen.add(k).size));
      const missing = stages.map((s) => s.key).filter((k) => !input.keys.includes(k));
      const extra = [...new Set(input.keys.filter((k) => !known.has(k)))];
      const problems = [
        missing.length ? `missing ${missing.join(', ')}` : '',
        extra.length ? `no such stage ${extra.join(', ')}` : '',
        duplicated.size ? `more than once ${[...duplicated].join(', ')}` : '',
      ].filter(Boolean);
      if (problems.length) throw badField('keys', `must name every stage exactly once: ${problems.join('; ')}`);
      const misplaced = openAfterClosed(input.keys, new Map(stages.map((s) => [s.key, s.kind])));
      if (misplaced) throw badField('keys', `${misplaced}; open stages come before won and lost ones`);
      await renumber(m, input.keys);
      return { stage: { key: 'order', label: 'order' }, details: { keys: { from: stages.map((s) => s.key), to: input.keys } } };
    });
    return this.list();
  }

  /** 409 while a deal or the stage history refers to it, or when it is the last of its kind. */
  async remove(key: string, change: AuditedChange): Promise<Stage> {
    return this.change(change, key, 'delete', async (m) => {
      const stages = await this.lockAll(m);
      const stage = stages.find((s) => s.key === key);
      if (!stage) throw notFound('stage', key);
      const [{ deals, history }]: { deals: number; history: number }[] = await m.query(
        `SELECT (SELECT count(*) FROM deals WHERE stage = $1)::int AS deals,
                (SELECT count(*) FROM stage_history WHERE from_stage = $1 OR to_stage = $1)::int AS history`,
        [key],
      );
      if (deals > 0) throw conflict(`stage: ${deals} deal(s) are in ${key}; move them to another stage first`);
      if (history > 0) throw conflict(`stage: ${history} stage change(s) in the deals' history refer to ${key}, which the funnel reads; it cannot be deleted`);
      if (!stages.some((s) => s.key !== key && s.kind === stage.kind)) throw conflict(`stage: ${key} is the only ${stage.kind} stage; the pipeline needs one`);
      const [mapped]: { count: number }[] = await m.query('SELECT count(*)::int AS count FROM crm_stage_map WHERE stage_key = $1', [key]);
      await m.query('DELETE FROM stages WHERE key = $1', [key]);
      await renumber(
        m,
        stages.filter((s) => s.key !== key).map((s) => s.key),
      );
      return { stage, details: { ...changedFields(stage, null), crmMappingsRemoved: mapped.count } };
    });
  }

  /** One stage change: audited and announced in its transaction, then this node's cache reloaded. */
  private async change<T extends Pick<Stage, 'key' | 'label'>>(
    change: AuditedChange,
    key: string,
    verb: string,
    work: (manager: EntityManager) => Promise<{ stage: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    const stage = await this.writer.transaction(change, async (tx) => {
      const { stage: result, details } = await work(tx.manager);
      await writeAudit(tx.manager, change, { action: `stage.${verb}`, target: `stage:${key}`, details });
      tx.emit('org.changed', { entity: 'stage', id: result.key, name: result.label });
      return result;
    });
    await this.reload();
    return stage;
  }

  /** Stage changes are serialised: each reads the whole list and renumbers it. */
  private async lockAll(manager: EntityManager): Promise<Stage[]> {
    return manager.query(`SELECT ${STAGE_COLUMNS} FROM stages ORDER BY position FOR UPDATE`);
  }

  private async read(manager: EntityManager, key: string): Promise<Stage | null> {
    const [row]: Stage[] = await manager.query(`SELECT ${STAGE_COLUMNS} FROM stages WHERE key = $1`, [key]);
    return row ?? null;
  }
}

function isStageChange(event: LoggedEvent): boolean {
  return event.type === 'org.changed' && event.payload.entity === 'stage';
}

/** The first open stage placed after a closed one, described; null when the order is right. */
function openAfterClosed(keys: readonly string[], kinds: ReadonlyMap<string, string>): string | null {
  const firstClosed = keys.find((k) => kinds.get(k) !== 'open');
  if (firstClosed === undefined) return null;
  const late = keys.slice(keys.indexOf(firstClosed)).find((k) => kinds.get(k) === 'open');
  return late === undefined ? null : `${late} (open) would come after ${firstClosed} (${kinds.get(firstClosed)})`;
}

/** Positions 1..n in this order; through negatives first, since each position is unique. */
async function renumber(manager: EntityManager, keys: readonly string[]): Promise<void> {
  await manager.query('UPDATE stages SET position = -position - 1000');
  await manager.query('UPDATE stages s SET position = o.ord FROM unnest($1::text[]) WITH ORDINALITY AS o(key, ord) WHERE s.key = o.key', [keys]);
}
