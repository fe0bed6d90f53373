/**
 * The one description of the database connection: used by the app (TypeOrmModule) and by the
 * TypeORM CLI (`npm run migration:run -w server` with DATABASE_URL set).
 */
import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ActivityEntity } from '../activities/activity.entity.js';
import { LeadEntity } from '../leads/lead.entity.js';
import { AccountEntity, ProductEntity, RepEntity, TeamEntity, TerritoryEntity } from '../org/org.entities.js';
import { QuotaEntity } from '../quotas/quota.entity.js';
import { StageEntity } from '../stages/stage.entity.js';
import { Init1764300000000 } from './migrations/1764300000000-Init.js';
import { Auth1764400000000 } from './migrations/1764400000000-Auth.js';
import { Ingest1764500000000 } from './migrations/1764500000000-Ingest.js';
import { IngestKinds1764700000000 } from './migrations/1764700000000-IngestKinds.js';
import { Admin1764650000000 } from './migrations/1764650000000-Admin.js';
import { EventActors1764800000000 } from './migrations/1764800000000-EventActors.js';
import { IdempotencyCaller1764930000000 } from './migrations/1764930000000-IdempotencyCaller.js';
import { ProductMarginUnknown1765000000000 } from './migrations/1765000000000-ProductMarginUnknown.js';
import { LeadStatusHistory1765060600000 } from './migrations/1765060600000-LeadStatusHistory.js';
import { DealsCreatedIndex1765100000000 } from './migrations/1765100000000-DealsCreatedIndex.js';
import { ExchangeRates1765110000000 } from './migrations/1765110000000-ExchangeRates.js';
import { DealChangeStage1765200000000 } from './migrations/1765200000000-DealChangeStage.js';

/** The tables written through TypeORM's repositories; the deals aggregate and the event log are raw SQL (deals.repository.ts, event-writer.service.ts). */
export const ENTITIES = [TeamEntity, TerritoryEntity, RepEntity, AccountEntity, ProductEntity, StageEntity, ActivityEntity, LeadEntity, QuotaEntity];

export const MIGRATIONS = [
  Init1764300000000,
  Auth1764400000000,
  Ingest1764500000000,
  Admin1764650000000,
  IngestKinds1764700000000,
  EventActors1764800000000,
  IdempotencyCaller1764930000000,
  ProductMarginUnknown1765000000000,
  LeadStatusHistory1765060600000,
  DealsCreatedIndex1765100000000,
  ExchangeRates1765110000000,
  DealChangeStage1765200000000,
];

export function dataSourceOptions(url: string, runMigrations = true): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: runMigrations,
    // Each migration in its own transaction; a concurrent boot waits on TypeORM's lock table.
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: {
      max: 10,
      connectionTimeoutMillis: 5000,
      // A statement that waits on a dead database must fail, not hang a request.
      statement_timeout: 15000,
    },
  };
}

export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/salesboard'));
