import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACTIVITY_TYPES, fromMinor } from '@salesboard/shared';
import { ActivitiesService } from '../activities/activities.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { DealCommands } from '../deals/deal-commands.service.js';
import { StagesService } from '../stages/stages.service.js';
import { DemoService } from './demo.service.js';
import { seededRandom } from './demo-data.js';

const CONTEXT = { source: 'simulator' } as const;

/**
 * Keeps the demo alive: moves deals on, wins and loses some, logs activities and opens new
 * deals, at `SIMULATOR_INTERVAL_MS` per step. It goes through the same commands as the API
 * (DealCommands), so everything it does is a real change with real events.
 */
@Injectable()
export class SimulatorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SimulatorService.name);
  private readonly random = seededRandom(Date.now());
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly deals: DealCommands,
    private readonly activities: ActivitiesService,
    private readonly stages: StagesService,
    private readonly demo: DemoService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.demoData) await this.demo.seedIfEmpty();
    if (this.config.simulator) {
      this.timer = setInterval(() => void this.step(), this.config.simulatorIntervalMs);
      this.logger.log(`simulator on: one change every ${this.config.simulatorIntervalMs} ms`);
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One believable change. Failures (a deal moved by someone else meanwhile) are skipped. */
  async step(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const roll = this.random();
      if (roll < 0.3) await this.logActivity();
      else if (roll < 0.4) await this.openDeal();
      else await this.moveDeal();
    } catch (error) {
      this.logger.debug(`simulator step skipped: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }

  private async moveDeal(): Promise<void> {
    const [deal]: { id: string; stage: string }[] = await this.dataSource.query(
      `SELECT d.id, d.stage FROM deals d JOIN stages s ON s.key = d.stage WHERE s.kind = 'open' ORDER BY random() LIMIT 1`,
    );
    if (!deal) return this.openDeal();
    const open = this.stages.list().filter((s) => s.kind === 'open');
    const index = open.findIndex((s) => s.key === deal.stage);
    const roll = this.random();
    const closing = index === open.length - 1;
    const target =
      roll < 0.12
        ? this.stages.list().find((s) => s.kind === 'lost')
        : closing
          ? this.stages.list().find((s) => s.kind === (roll < 0.8 ? 'won' : 'lost'))
          : open[index + 1];
    if (target) await this.deals.changeStage(deal.id, { stage: target.key }, CONTEXT);
  }

  private async openDeal(): Promise<void> {
    const [row]: { rep_id: string; account_id: string; account_name: string; product_id: string; list_price: string }[] = await this.dataSource.query(
      `SELECT (SELECT id FROM reps WHERE active ORDER BY random() LIMIT 1) AS rep_id,
              a.id AS account_id, a.name AS account_name, p.id AS product_id, p.list_price::text AS list_price
         FROM (SELECT id, name FROM accounts ORDER BY random() LIMIT 1) a,
              (SELECT id, list_price FROM products ORDER BY random() LIMIT 1) p`,
    );
    if (!row?.rep_id) return;
    const amountMinor = Math.round((Number(row.list_price) * (0.6 + this.random() * 1.2)) / 1000) * 100_000;
    const closeDate = new Date(Date.now() + (20 + this.random() * 60) * 86_400_000).toISOString().slice(0, 10);
    await this.deals.create(
      {
        name: `${row.account_name} expansion`,
        ownerId: row.rep_id,
        accountId: row.account_id,
        productId: row.product_id,
        amount: fromMinor(amountMinor),
        expectedCloseDate: closeDate,
      },
      CONTEXT,
    );
  }

  private async logActivity(): Promise<void> {
    const [rep]: { id: string }[] = await this.dataSource.query('SELECT id FROM reps WHERE active ORDER BY random() LIMIT 1');
    if (!rep) return;
    const type = ACTIVITY_TYPES[Math.floor(this.random() * ACTIVITY_TYPES.length)];
    await this.activities.log({ type, repId: rep.id }, CONTEXT);
  }
}
