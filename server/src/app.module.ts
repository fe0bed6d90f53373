import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivitiesModule } from './activities/activities.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BoardsModule } from './boards/boards.module.js';
import { IdempotencyCleanupService } from './common/idempotency/idempotency-cleanup.service.js';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor.js';
import { APP_CONFIG, type AppConfig } from './config/app.config.js';
import { dataSourceOptions } from './database/data-source.js';
import { DealsModule } from './deals/deals.module.js';
import { DemoModule } from './demo/demo.module.js';
import { DisplaysModule } from './displays/displays.module.js';
import { EventsModule } from './events/events.module.js';
import { ExchangeRatesModule } from './exchange-rates/exchange-rates.module.js';
import { HealthModule } from './health/health.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import { KpisModule } from './kpis/kpis.module.js';
import { LeadsModule } from './leads/leads.module.js';
import { LiveModule } from './live/live.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { OrgModule } from './org/org.module.js';
import { QuotasModule } from './quotas/quotas.module.js';
import { SnapshotModule } from './snapshot/snapshot.module.js';
import { StagesModule } from './stages/stages.module.js';

@Module({})
export class AppModule {
  /** The configuration is validated before the module is built; tests pass their own. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        // Validated by parseEnv before Nest starts; also readable as ConfigService.get('app').
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [registerAs('app', () => config)] }),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.runMigrations)),
        EventsModule,
        AuthModule,
        StagesModule,
        OrgModule,
        ExchangeRatesModule,
        DealsModule,
        ActivitiesModule,
        LeadsModule,
        QuotasModule,
        LiveModule,
        SnapshotModule,
        KpisModule,
        ObservabilityModule,
        HealthModule,
        DemoModule,
        BoardsModule,
        DisplaysModule,
        IngestModule,
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }, IdempotencyCleanupService],
      exports: [APP_CONFIG],
    };
  }
}
