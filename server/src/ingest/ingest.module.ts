import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module.js';
import { KpiStoreModule } from '../kpis/kpi-store.module.js';
import { KpisService } from '../kpis/kpis.service.js';
import { LiveModule } from '../live/live.module.js';
import { StagesModule } from '../stages/stages.module.js';
import { DealsExportService } from './export/deals-export.service.js';
import { ExportController } from './export/export.controller.js';
import { FiguresExportService } from './export/figures-export.service.js';
import { ImportJobsService } from './import/import-jobs.service.js';
import { ImportController } from './import/import.controller.js';
import { ImportService } from './import/import.service.js';
import { IngestHousekeepingService } from './ingest-housekeeping.service.js';
import { CrmDeals } from './webhooks/crm-deals.js';
import { CrmSettingsService } from './webhooks/crm-settings.service.js';
import { HubspotWebhookService } from './webhooks/hubspot.service.js';
import { PipedriveWebhookService } from './webhooks/pipedrive.service.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

/** Deals and the organisation coming in from files and CRMs; deals, leaderboards and KPIs going out as CSV. */
@Module({
  imports: [StagesModule, DealsModule, LiveModule, KpiStoreModule],
  controllers: [ImportController, ExportController, WebhooksController],
  providers: [
    ImportService,
    ImportJobsService,
    DealsExportService,
    FiguresExportService,
    // The service behind GET /api/kpis, so the CSV is computed by the same code (it holds no state of its own).
    KpisService,
    CrmSettingsService,
    CrmDeals,
    HubspotWebhookService,
    PipedriveWebhookService,
    IngestHousekeepingService,
  ],
})
export class IngestModule {}
