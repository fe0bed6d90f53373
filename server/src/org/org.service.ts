import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  Account,
  TeamAdmin,
  TerritoryOverviewAnswer,
  TerritoryOverviewQuery,
  UpdateRepInput,
  UpdateTeamInput,
  UpdateTerritoryInput,
  CreateAccountInput,
  CreateProductInput,
  CreateRepInput,
  CreateTeamInput,
  CreateTerritoryInput,
  Product,
  Rep,
  Team,
  Territory,
} from '@salesboard/shared';
import { fromMinor, normalizeMoney, type QuotaRow, quotaForScope, ratioOfMinor, resolvePeriod, toMinor } from '@salesboard/shared';
import { changedFields, writeAudit } from '../auth/audit.service.js';
import type { AuditedChange } from '../auth/audited-change.decorator.js';
import { forbidden } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { reissueTokens } from '../auth/users.service.js';
import { AuthService } from '../auth/auth.service.js';
import { badField, conflict, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { EventWriter } from '../events/event-writer.service.js';
import { AccountEntity, nameKey, ProductEntity, RepEntity, TeamEntity, TerritoryEntity } from './org.entities.js';
import { beforeRepsMove } from './org.repository.js';
import { DEAL_TEAM_SQL, DEAL_TERRITORY_SQL } from '../deals/deal.query.js';
import { amountInOrgCurrencySql } from '../exchange-rates/exchange-rates.repository.js';

const UNIQUE_VIOLATION = '23505';

/** The organisation: who sells, in which team and territory, what, to whom. */
@Injectable()
export class OrgService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listTeams(): Promise<Team[]> {
    const rows = await this.dataSource.getRepository(TeamEntity).find({ order: { name: 'ASC' } });
    return rows.map(mapTeam);
  }

  async listTerritories(): Promise<Territory[]> {
    const rows = await this.dataSource.getRepository(TerritoryEntity).find({ order: { name: 'ASC' } });
    return rows.map(mapTerritory);
  }

  async listReps(): Promise<Rep[]> {
    const rows = await this.dataSource.getRepository(RepEntity).find({ order: { name: 'ASC' } });
    return rows.map(mapRep);
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.dataSource.getRepository(AccountEntity).find({ order: { name: 'ASC' } });
    return rows.map(mapAccount);
  }

  async listProducts(): Promise<Product[]> {
    const rows = await this.dataSource.getRepository(ProductEntity).find({ order: { name: 'ASC' } });
    return rows.map(mapProduct);
  }

  createTeam(input: CreateTeamInput, context: AuditedChange): Promise<Team> {
    return this.create(context, 'team', async (manager) =>
      mapTeam(await manager.save(manager.create(TeamEntity, { name: input.name, managerName: input.managerName ?? null }))),
    );
  }

  createTerritory(input: CreateTerritoryInput, context: AuditedChange): Promise<Territory> {
    return this.create(context, 'territory', async (manager) =>
      mapTerritory(await manager.save(manager.create(TerritoryEntity, { name: input.name, region: input.region }))),
    );
  }

  createRep(input: CreateRepInput, context: AuditedChange): Promise<Rep> {
    return this.create(context, 'rep', async (manager) => {
      await this.requireExists(manager, TeamEntity, 'teamId', input.teamId);
      await this.requireExists(manager, TerritoryEntity, 'territoryId', input.territoryId);
      const rep = manager.create(RepEntity, {
        name: input.name,
        email: input.email.toLowerCase(),
        teamId: input.teamId ?? null,
        territoryId: input.territoryId ?? null,
        avatarUrl: input.avatarUrl ?? null,
        active: input.active ?? true,
      });
      return mapRep(await manager.save(rep));
    });
  }

  createAccount(input: CreateAccountInput, context: AuditedChange): Promise<Account> {
    return this.create(context, 'account', async (manager) => {
      await this.requireExists(manager, TerritoryEntity, 'territoryId', input.territoryId);
      const account = manager.create(AccountEntity, { name: input.name, nameKey: nameKey(input.name), territoryId: input.territoryId ?? null });
      return mapAccount(await manager.save(account));
    });
  }

  createProduct(input: CreateProductInput, context: AuditedChange): Promise<Product> {
    return this.create(context, 'product', async (manager) => {
      const product = manager.create(ProductEntity, {
        name: input.name,
        listPrice: input.listPrice,
        marginPct: input.marginPct == null ? null : input.marginPct.toFixed(2),
      });
      return mapProduct(await manager.save(product));
    });
  }

  // ---- the admin area --------------------------------------------------------------------

  /** Teams with their manager and how many active reps they have (`GET /api/admin/teams`). */
  async listTeamsAdmin(): Promise<TeamAdmin[]> {
    const rows: { id: string; name: string; manager_user_id: string | null; manager_name: string | null; rep_count: number }[] = await this.dataSource.query(
      `SELECT t.id, t.name, t.manager_user_id, COALESCE(u.name, t.manager_name) AS manager_name,
              (SELECT count(*) FROM reps r WHERE r.team_id = t.id AND r.active)::int AS rep_count
         FROM teams t LEFT JOIN users u ON u.id = t.manager_user_id
        ORDER BY t.name, t.id`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, managerUserId: r.manager_user_id, managerName: r.manager_name, repCount: r.rep_count }));
  }

  /**
   * A team's name or manager. The manager must be a user with the role `manager`; the team's
   * manager name follows the user's. The managers who gain or lose the team have their access
   * tokens reissued, since a manager's token carries their teams.
   */
  async updateTeam(id: string, input: UpdateTeamInput, change: AuditedChange): Promise<TeamAdmin> {
    const touched: string[] = [];
    const team = await this.update(change, 'team', async (m) => {
      const [before]: { name: string; manager_user_id: string | null; manager_name: string | null }[] = await m.query(
        'SELECT name, manager_user_id, manager_name FROM teams WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!before) throw notFound('team', id);
      let managerUserId = before.manager_user_id;
      let managerName = before.manager_name;
      if (input.managerUserId !== undefined) {
        managerUserId = input.managerUserId;
        managerName = null;
        if (managerUserId !== null) {
          const [user]: { name: string; role: string }[] = await m.query('SELECT name, role FROM users WHERE id = $1', [managerUserId]);
          if (!user) throw badField('managerUserId', `no user with id ${managerUserId}`);
          if (user.role !== 'manager') throw badField('managerUserId', `${user.name} is a ${user.role}, not a manager`);
          managerName = user.name;
        }
      }
      await m.query('UPDATE teams SET name = $2, manager_user_id = $3, manager_name = $4 WHERE id = $1', [
        id,
        input.name ?? before.name,
        managerUserId,
        managerName,
      ]);
      if (managerUserId !== before.manager_user_id) {
        touched.push(...[before.manager_user_id, managerUserId].filter((u): u is string => u !== null));
        await reissueTokens(m, touched);
      }
      const after = (await this.listTeamsAdminWhere(m, id))[0];
      const details = changedFields(
        { name: before.name, managerUserId: before.manager_user_id, managerName: before.manager_name },
        { name: after.name, managerUserId: after.managerUserId, managerName: after.managerName },
      );
      return { value: after, details };
    });
    for (const user of touched) this.auth.forgetStanding(user);
    return team;
  }

  private async listTeamsAdminWhere(manager: EntityManager, id: string): Promise<TeamAdmin[]> {
    const rows: { id: string; name: string; manager_user_id: string | null; manager_name: string | null; rep_count: number }[] = await manager.query(
      `SELECT t.id, t.name, t.manager_user_id, t.manager_name, (SELECT count(*) FROM reps r WHERE r.team_id = t.id AND r.active)::int AS rep_count
         FROM teams t WHERE t.id = $1`,
      [id],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, managerUserId: r.manager_user_id, managerName: r.manager_name, repCount: r.rep_count }));
  }

  async updateTerritory(id: string, input: UpdateTerritoryInput, change: AuditedChange): Promise<Territory> {
    return this.update(change, 'territory', async (m) => {
      const before = await m.getRepository(TerritoryEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound('territory', id);
      const previous = mapTerritory(before);
      const after = mapTerritory(await m.save(m.merge(TerritoryEntity, before, { name: input.name ?? before.name, region: input.region ?? before.region })));
      return { value: after, details: changedFields(previous, after) };
    });
  }

  /**
   * A rep's details, team and territory. A manager may change only `territoryId` and `active`,
   * and only of reps in teams they manage (403 otherwise). Moving a rep to another team or
   * territory moves their open deals with them (those follow their rep); closed deals are
   * pinned first to the team and territory they were closed for, so past results stay put.
   */
  async updateRep(id: string, input: UpdateRepInput, change: AuditedChange): Promise<Rep> {
    const actor = change.principal;
    if (actor.role === 'manager') {
      const others = Object.entries(input)
        .filter(([key, value]) => value !== undefined && key !== 'territoryId' && key !== 'active')
        .map(([key]) => key);
      if (others.length) throw forbidden(`authorization: a manager may change a rep's territoryId and active only, not ${others.join(', ')}`);
    }
    return this.update(change, 'rep', async (m) => {
      const before = await m.getRepository(RepEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound('rep', id);
      if (actor.role === 'manager' && !(await managesTeam(m, actor, before.teamId))) {
        throw forbidden('authorization: a manager may change only the reps of the teams they manage');
      }
      await this.requireExists(m, TeamEntity, 'teamId', input.teamId);
      await this.requireExists(m, TerritoryEntity, 'territoryId', input.territoryId);
      const previous = mapRep(before);
      const next = m.merge(RepEntity, m.create(RepEntity, before), {
        name: input.name ?? before.name,
        email: input.email?.toLowerCase() ?? before.email,
        teamId: input.teamId === undefined ? before.teamId : input.teamId,
        territoryId: input.territoryId === undefined ? before.territoryId : input.territoryId,
        avatarUrl: input.avatarUrl === undefined ? before.avatarUrl : input.avatarUrl,
        active: input.active ?? before.active,
      });
      const moved = await beforeRepsMove(m, [{ before, after: next }]);
      const after = mapRep(await m.save(next));
      const details = changedFields(previous, after);
      if (moved.has(id)) details.openDealsMoved = moved.get(id);
      return { value: after, details };
    });
  }

  /**
   * The territories with their reps, accounts, open pipeline, won in the period and the reps'
   * quota, in the organisation's time zone. A manager sees every territory and rep (to assign
   * theirs), but the figures and the unassigned reps of their own teams only.
   */
  async territoryOverview(query: TerritoryOverviewQuery, principal: Principal, now = new Date()): Promise<TerritoryOverviewAnswer> {
    const period = query.period ?? 'month';
    const range = resolvePeriod({ period, now, timeZone: this.config.timeZone, fiscalYearStartMonth: this.config.fiscalYearStartMonth });
    const teams = principal.role === 'admin' ? null : principal.teamIds;
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const territories: { id: string; name: string; region: string; account_count: number }[] = await m.query(
        `SELECT t.id, t.name, t.region, (SELECT count(*) FROM accounts a WHERE a.territory_id = t.id)::int AS account_count FROM territories t ORDER BY t.name, t.id`,
      );
      const reps: { id: string; name: string; team_id: string | null; territory_id: string | null; active: boolean }[] = await m.query(
        'SELECT id, name, team_id, territory_id, active FROM reps ORDER BY name, id',
      );
      const figures: { territory_id: string; open_deals: number; open_pipeline: string; won: string }[] = await m.query(
        `SELECT ${DEAL_TERRITORY_SQL} AS territory_id,
                count(*) FILTER (WHERE s.kind = 'open')::int AS open_deals,
                COALESCE(sum(${amountInOrgCurrencySql('d')}) FILTER (WHERE s.kind = 'open'), 0)::text AS open_pipeline,
                COALESCE(sum(${amountInOrgCurrencySql('d')}) FILTER (WHERE s.kind = 'won' AND d.closed_at >= $1 AND d.closed_at < $2), 0)::text AS won
           FROM deals d
           JOIN reps r ON r.id = d.owner_id
           JOIN stages s ON s.key = d.stage
           LEFT JOIN accounts a ON a.id = d.account_id
          WHERE ($3::uuid[] IS NULL OR ${DEAL_TEAM_SQL} = ANY($3::uuid[]))
          GROUP BY 1`,
        [range.start, range.end, teams],
      );
      const quotas: { rep_id: string; period: QuotaRow['period']; period_start: string; amount: string }[] = await m.query(
        `SELECT rep_id, period, to_char(period_start, 'YYYY-MM-DD') AS period_start, amount::text AS amount FROM quotas WHERE rep_id IS NOT NULL`,
      );
      const quotaRows: QuotaRow[] = quotas.map((q) => ({
        repId: q.rep_id,
        teamId: null,
        period: q.period,
        periodStart: q.period_start,
        amountMinor: toMinor(q.amount),
      }));
      const mine = (rep: { team_id: string | null }) => teams === null || (rep.team_id !== null && teams.includes(rep.team_id));
      const counted = reps.filter(mine).map((r) => ({ id: r.id, teamId: r.team_id, territoryId: r.territory_id, active: r.active }));
      const byTerritory = new Map(figures.map((f) => [f.territory_id, f]));
      return {
        period,
        from: range.fromDate,
        to: range.toDate,
        currency: this.config.currency,
        territories: territories.map((t) => {
          const f = byTerritory.get(t.id);
          const wonMinor = toMinor(f?.won ?? '0');
          const quotaMinor = quotaForScope(quotaRows, counted, { kind: 'territory', id: t.id }, range);
          return {
            id: t.id,
            name: t.name,
            region: t.region,
            reps: reps.filter((r) => r.territory_id === t.id).map((r) => ({ id: r.id, name: r.name, teamId: r.team_id, active: r.active })),
            accountCount: t.account_count,
            openDeals: f?.open_deals ?? 0,
            openPipeline: normalizeMoney(f?.open_pipeline ?? '0'),
            won: fromMinor(wonMinor),
            quota: quotaMinor === null ? null : fromMinor(quotaMinor),
            attainment: ratioOfMinor(wonMinor, quotaMinor),
          };
        }),
        unassignedReps: reps.filter((r) => r.active && r.territory_id === null && mine(r)).map((r) => ({ id: r.id, name: r.name, teamId: r.team_id })),
      };
    });
  }

  /** Changes one org entity with its audit row and `org.changed` event; a duplicate name is a 409. */
  private async update<T extends { id: string; name: string }>(
    change: AuditedChange,
    entity: 'team' | 'rep' | 'territory',
    write: (manager: EntityManager) => Promise<{ value: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    try {
      return await this.writer.transaction(change, async (tx) => {
        const { value, details } = await write(tx.manager);
        await writeAudit(tx.manager, change, { action: `${entity}.update`, target: `${entity}:${value.id}`, details });
        tx.emit('org.changed', { entity, id: value.id, name: value.name });
        return value;
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw conflict(`${entity === 'rep' ? 'email' : 'name'}: another ${entity} already has this ${entity === 'rep' ? 'email' : 'name'}`);
      }
      throw error;
    }
  }

  /** Writes one org entity and its `org.changed` event; a duplicate name is a 409 that says so. */
  private async create<T extends { id: string; name: string }>(
    context: AuditedChange,
    entity: 'team' | 'rep' | 'territory' | 'account' | 'product',
    write: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.writer.transaction(context, async (tx) => {
        const created = await write(tx.manager);
        const { id, ...fields } = created;
        await writeAudit(tx.manager, context, { action: `${entity}.create`, target: `${entity}:${id}`, details: changedFields(null, fields) });
        tx.emit('org.changed', { entity, id: created.id, name: created.name });
        return created;
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw conflict(`${entity}: one with this ${entity === 'rep' ? 'email' : 'name'} already exists`);
      }
      throw error;
    }
  }

  private async requireExists(
    manager: EntityManager,
    entity: typeof TeamEntity | typeof TerritoryEntity,
    field: string,
    id: string | null | undefined,
  ): Promise<void> {
    if (id == null) return;
    const found = await manager.getRepository(entity).existsBy({ id });
    if (!found) throw badField(field, `no ${field.replace(/Id$/, '')} with id ${id}`);
  }
}

/** Whether a manager manages this team (read now, not from their token, which may be minutes old). */
async function managesTeam(manager: EntityManager, principal: Principal, teamId: string | null): Promise<boolean> {
  if (teamId === null) return false;
  const rows: unknown[] = await manager.query('SELECT 1 FROM teams WHERE id = $1 AND manager_user_id = $2', [teamId, principal.id]);
  return rows.length > 0;
}

export function mapTeam(t: TeamEntity): Team {
  return { id: t.id, name: t.name, managerName: t.managerName };
}
export function mapTerritory(t: TerritoryEntity): Territory {
  return { id: t.id, name: t.name, region: t.region };
}
export function mapRep(r: RepEntity): Rep {
  return { id: r.id, name: r.name, email: r.email, teamId: r.teamId, territoryId: r.territoryId, avatarUrl: r.avatarUrl, active: r.active };
}
export function mapAccount(a: AccountEntity): Account {
  return { id: a.id, name: a.name, territoryId: a.territoryId };
}
export function mapProduct(p: ProductEntity): Product {
  return { id: p.id, name: p.name, listPrice: normalizeMoney(p.listPrice), marginPct: p.marginPct === null ? null : Number(p.marginPct).toFixed(2) };
}
