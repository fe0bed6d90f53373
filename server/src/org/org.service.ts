import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  Account,
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
import { normalizeMoney } from '@salesboard/shared';
import { badField, conflict } from '../common/errors.js';
import { type ChangeContext, EventWriter } from '../events/event-writer.service.js';
import { AccountEntity, nameKey, ProductEntity, RepEntity, TeamEntity, TerritoryEntity } from './org.entities.js';

const UNIQUE_VIOLATION = '23505';

/** The organisation: who sells, in which team and territory, what, to whom. */
@Injectable()
export class OrgService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: EventWriter,
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

  createTeam(input: CreateTeamInput, context: ChangeContext): Promise<Team> {
    return this.create(context, 'team', async (manager) =>
      mapTeam(await manager.save(manager.create(TeamEntity, { name: input.name, managerName: input.managerName ?? null }))),
    );
  }

  createTerritory(input: CreateTerritoryInput, context: ChangeContext): Promise<Territory> {
    return this.create(context, 'territory', async (manager) =>
      mapTerritory(await manager.save(manager.create(TerritoryEntity, { name: input.name, region: input.region }))),
    );
  }

  createRep(input: CreateRepInput, context: ChangeContext): Promise<Rep> {
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

  createAccount(input: CreateAccountInput, context: ChangeContext): Promise<Account> {
    return this.create(context, 'account', async (manager) => {
      await this.requireExists(manager, TerritoryEntity, 'territoryId', input.territoryId);
      const account = manager.create(AccountEntity, { name: input.name, nameKey: nameKey(input.name), territoryId: input.territoryId ?? null });
      return mapAccount(await manager.save(account));
    });
  }

  createProduct(input: CreateProductInput, context: ChangeContext): Promise<Product> {
    return this.create(context, 'product', async (manager) => {
      const product = manager.create(ProductEntity, { name: input.name, listPrice: input.listPrice, marginPct: input.marginPct.toFixed(2) });
      return mapProduct(await manager.save(product));
    });
  }

  /** Writes one org entity and its `org.changed` event; a duplicate name is a 409 that says so. */
  private async create<T extends { id: string; name: string }>(
    context: ChangeContext,
    entity: 'team' | 'rep' | 'territory' | 'account' | 'product',
    write: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.writer.transaction(context, async (tx) => {
        const created = await write(tx.manager);
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
  return { id: p.id, name: p.name, listPrice: normalizeMoney(p.listPrice), marginPct: Number(p.marginPct).toFixed(2) };
}
