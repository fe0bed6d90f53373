import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivitiesModule } from './activities/activities.module.js';
import { APP_CONFIG, type AppConfig } from './config/app.config.js';
import { dataSourceOptions } from './database/data-source.js';
import { DealsModule } from './deals/deals.module.js';
import { DemoModule } from './demo/demo.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { LeadsModule } from './leads/leads.module.js';
import { LiveModule } from './live/live.module.js';
import { OrgModule } from './org/org.module.js';
import { QuotasModule } from './quotas/quotas.module.js';
import { StagesModule } from './stages/stages.module.js';

@Module({})
export class AppModule {
  /** The configuration is validated before the module is built; tests pass their own. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
        EventsModule,
        StagesModule,
        OrgModule,
        DealsModule,
        ActivitiesModule,
        LeadsModule,
        QuotasModule,
        LiveModule,
        HealthModule,
        DemoModule,
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
