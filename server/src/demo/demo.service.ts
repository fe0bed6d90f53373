import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type SeededDeal, DealCommands } from '../deals/deal-commands.service.js';
import { EventWriter, type WriteTx } from '../events/event-writer.service.js';
import type { Stage } from '@salesboard/shared';
import { dealNameOf, fromMinor, toMinor } from '@salesboard/shared';
import { nameKey } from '../org/org.entities.js';
import { StagesService } from '../stages/stages.service.js';
import { DEMO_PRODUCTS, DEMO_REP_NAMES, DEMO_TEAMS, DEMO_TERRITORIES, demoAccountNames, emailOf, seededRandom } from './demo-data.js';

const DAY_MS = 86_400_000;
const DEMO_DEALS = 400;
const HISTORY_DAYS = 90;

/**
 * Fills an empty database with the demo organisation. The history is the starting state, not
 * a stream of changes, so its rows go in with one `deals.imported` event; the simulator makes
 * the changes after it.
 */
@Injectable()
export class DemoService {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    private readonly writer: EventWriter,
    private readonly stages: StagesService,
    private readonly deals: DealCommands,
  ) {}

  async seedIfEmpty(now = new Date()): Promise<boolean> {
    return this.writer.transaction({ source: 'demo' }, async (tx) => {
      // One seeder at a time, even with several nodes starting together.
      await tx.manager.query('SELECT pg_advisory_xact_lock(4242)');
      const [{ count }]: { count: number }[] = await tx.manager.query('SELECT count(*)::int AS count FROM reps');
      if (count > 0) return false;
      await this.seed(tx, now);
      this.logger.log('demo organisation created');
      return true;
    });
  }

  private async seed(tx: WriteTx, now: Date): Promise<void> {
    const manager = tx.manager;
    const random = seededRandom(20261128);
    // The organisation existed before its history began: nobody is "new today" on the first start.
    const since = new Date(now.getTime() - (HISTORY_DAYS + 30) * DAY_MS);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

    const territoryIds = new Map<string, string>();
    for (const t of DEMO_TERRITORIES) {
      const [row]: { id: string }[] = await manager.query('INSERT INTO territories (name, region, created_at) VALUES ($1, $2, $3) RETURNING id', [
        t.name,
        t.region,
        since,
      ]);
      territoryIds.set(t.name, row.id);
    }
    const reps: { id: string; teamId: string }[] = [];
    for (const [teamIndex, team] of DEMO_TEAMS.entries()) {
      const [row]: { id: string }[] = await manager.query('INSERT INTO teams (name, manager_name, created_at) VALUES ($1, $2, $3) RETURNING id', [
        team.name,
        team.managerName,
        since,
      ]);
      for (let i = 0; i < 8; i++) {
        const name = DEMO_REP_NAMES[teamIndex * 8 + i];
        const territory = team.territories[i % team.territories.length];
        const [rep]: { id: string }[] = await manager.query(
          'INSERT INTO reps (name, email, team_id, territory_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [name, emailOf(name), row.id, territoryIds.get(territory), since],
        );
        reps.push({ id: rep.id, teamId: row.id });
      }
    }
    const products: { id: string; price: number; name: string }[] = [];
    for (const p of DEMO_PRODUCTS) {
      const [row]: { id: string }[] = await manager.query('INSERT INTO products (name, list_price, margin_pct) VALUES ($1, $2, $3) RETURNING id', [
        p.name,
        p.listPrice,
        p.marginPct,
      ]);
      // A list price is within the amount bound, so its minor units are a safe number to scale randomly.
      products.push({ id: row.id, price: Number(toMinor(p.listPrice)), name: p.name.replace('Salesboard ', '') });
    }
    const accounts: { id: string; name: string }[] = [];
    for (const name of demoAccountNames()) {
      const [row]: { id: string }[] = await manager.query('INSERT INTO accounts (name, name_key, territory_id) VALUES ($1, $2, $3) RETURNING id', [
        name,
        nameKey(name),
        pick([...territoryIds.values()]),
      ]);
      accounts.push({ id: row.id, name });
    }

    const open = this.stages.list().filter((s) => s.kind === 'open');
    const won = this.stages.list().find((s) => s.kind === 'won') as Stage;
    const lost = this.stages.list().find((s) => s.kind === 'lost') as Stage;
    const deals: SeededDeal[] = [];
    for (let i = 0; i < DEMO_DEALS; i++) {
      const rep = pick(reps);
      const product = pick(products);
      // Amounts around the list price, rounded to a thousand rupiah as people quote them.
      const amountMinor = Math.round((product.price * (0.6 + random() * 1.2)) / 100_000) * 100_000;
      const createdAt = new Date(now.getTime() - random() * HISTORY_DAYS * DAY_MS);
      let at = createdAt;
      let stage = open[0];
      const path: { from: string | null; to: string; at: Date }[] = [{ from: null, to: stage.key, at }];
      for (;;) {
        const step = (1 + random() * 9) * DAY_MS;
        if (at.getTime() + step > now.getTime()) break;
        const roll = random();
        const next =
          roll < 0.12
            ? lost
            : stage.position === open[open.length - 1].position
              ? roll < 0.75
                ? won
                : lost
              : roll < 0.8
                ? open[open.indexOf(stage) + 1]
                : null;
        if (!next) break;
        at = new Date(at.getTime() + step);
        path.push({ from: stage.key, to: next.key, at });
        stage = next;
        if (next.kind !== 'open') break;
      }
      const expectedClose = new Date(createdAt.getTime() + (30 + random() * 60) * DAY_MS).toISOString().slice(0, 10);
      const account = pick(accounts);
      deals.push({
        id: crypto.randomUUID(),
        name: dealNameOf(account.name, product.name),
        accountId: account.id,
        productId: product.id,
        ownerId: rep.id,
        amount: fromMinor(amountMinor),
        createdAt,
        expectedCloseDate: expectedClose,
        path,
      });
    }
    await this.deals.seedHistory(tx, { source: 'demo' }, deals);
    await this.seedActivitiesLeadsQuotas(manager, reps, now, random);
  }

  private async seedActivitiesLeadsQuotas(manager: EntityManager, reps: { id: string; teamId: string }[], now: Date, random: () => number): Promise<void> {
    const types = ['call', 'email', 'meeting', 'demo'];
    const activities: unknown[][] = [];
    for (let i = 0; i < 1500; i++) {
      activities.push([
        types[Math.floor(random() * types.length)],
        reps[Math.floor(random() * reps.length)].id,
        new Date(now.getTime() - random() * HISTORY_DAYS * DAY_MS),
      ]);
    }
    await manager.query('INSERT INTO activities (type, rep_id, at) SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[])', transpose(activities, 3));
    const statuses = ['new', 'contacted', 'qualified', 'converted', 'disqualified'];
    const leads: unknown[][] = [];
    for (let i = 0; i < 200; i++) {
      leads.push([
        ['website', 'referral', 'event', 'cold call'][i % 4],
        statuses[Math.floor(random() * statuses.length)],
        reps[Math.floor(random() * reps.length)].id,
        new Date(now.getTime() - random() * HISTORY_DAYS * DAY_MS),
      ]);
    }
    // Each lead's history says how it got to its status (created new, moved a few days on), as
    // lead conversion is counted from the history.
    await manager.query(
      `WITH made AS (
         INSERT INTO leads (source, status, rep_id, created_at, updated_at)
         SELECT s, st, r, c, c FROM unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[]) AS x(s, st, r, c)
         RETURNING id, status, created_at)
       INSERT INTO lead_status_history (lead_id, from_status, to_status, at, actor_kind, actor_id)
       SELECT id, NULL, 'new', created_at, 'system', 'demo' FROM made
       UNION ALL
       SELECT id, 'new', status, LEAST(created_at + interval '3 days', now()), 'system', 'demo' FROM made WHERE status <> 'new'`,
      transpose(leads, 4),
    );
    // Monthly quotas for this month and the three before, per rep and per team.
    const quotas: unknown[][] = [];
    for (let back = 0; back < 4; back++) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 10);
      for (const rep of reps) quotas.push([rep.id, null, month, '400000000.00']);
      for (const teamId of new Set(reps.map((r) => r.teamId))) quotas.push([null, teamId, month, '3200000000.00']);
    }
    await manager.query(
      `INSERT INTO quotas (rep_id, team_id, period, period_start, amount) SELECT q.rep_id, q.team_id, 'month', q.period_start, q.amount
         FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::numeric[]) AS q(rep_id, team_id, period_start, amount)`,
      transpose(quotas, 4),
    );
  }
}

/** Rows to columns, for one INSERT … SELECT FROM unnest(…) instead of one statement per row. */
function transpose(rows: unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.forEach((value, i) => columns[i].push(value));
  return columns;
}
