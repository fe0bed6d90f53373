/**
 * Builds the aggregates from the database: at boot, after a change that needs it, and for the
 * on-demand check. Everything is read in one REPEATABLE READ transaction, so the numbers are
 * exactly those of the seq read with them. Local days come from the same LocalCalendar the
 * live path uses, never from PostgreSQL's own time-zone data, so both file a moment alike.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ActivityType, type ForecastCategory, INSTANT_RANGE, marginBpOf, type QuotaPeriod, RateTable, type Stage, toMinor } from '@salesboard/shared';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { DEAL_TEAM_SQL, DEAL_TERRITORY_SQL } from '../deals/deal.query.js';
import { listRates } from '../exchange-rates/exchange-rates.repository.js';
import { KpiAggregates, type RepInfo } from './kpi-aggregates.js';
import { type LocalCalendar, MS_PER_DAY } from './local-calendar.js';

const DEAL_BATCH = 20_000;
/** Activities spanning up to this many days get one edge per day (the usual case, one query). */
const DENSE_EDGE_DAYS = 3 * 366;

function denseDays(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

interface DealLoadRow {
  id: string;
  owner_id: string;
  team_id: string | null;
  territory_id: string | null;
  amount: string;
  currency: string;
  stage: string;
  forecast_category: ForecastCategory;
  created_at: Date;
  closed_at: Date | null;
  expected_close_date: string | null;
  product_id: string | null;
}

interface RepLoadRow {
  id: string;
  name: string;
  team_id: string | null;
  territory_id: string | null;
  active: boolean;
  created_at: Date;
}

@Injectable()
export class AggregateLoader {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  load(calendar: LocalCalendar): Promise<KpiAggregates> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ seq }]: { seq: string }[] = await manager.query('SELECT seq FROM event_seq WHERE id = 1');
      const stages: Stage[] = await manager.query(
        `SELECT key, label, position, probability, forecast_category AS "forecastCategory", kind, stuck_after_days AS "stuckAfterDays"
           FROM stages ORDER BY position`,
      );
      const rates = new RateTable(this.config.currency, await listRates(manager));
      const aggregates = new KpiAggregates(calendar, stages, rates);
      aggregates.seq = Number(seq);
      await this.loadOrg(manager, aggregates, calendar);
      await this.loadDeals(manager, aggregates);
      await this.loadActivities(manager, aggregates, calendar);
      await this.loadLeads(manager, aggregates, calendar);
      return aggregates;
    });
  }

  async rep(id: string, calendar: LocalCalendar): Promise<RepInfo | null> {
    const rows: RepLoadRow[] = await this.dataSource.query('SELECT id, name, team_id, territory_id, active, created_at FROM reps WHERE id = $1', [id]);
    return rows.length ? toRepInfo(rows[0], calendar) : null;
  }

  /** The product's margin in basis points (null: unknown); undefined when there is no such product. */
  async productMarginBp(id: string): Promise<number | null | undefined> {
    const rows: { margin_pct: string | null }[] = await this.dataSource.query('SELECT margin_pct::text AS margin_pct FROM products WHERE id = $1', [id]);
    return rows.length ? marginBpOrNull(rows[0].margin_pct) : undefined;
  }

  private async loadOrg(manager: EntityManager, aggregates: KpiAggregates, calendar: LocalCalendar): Promise<void> {
    const named: { id: string; name: string; created_at: Date }[] = await manager.query('SELECT id, name, created_at FROM teams');
    for (const team of named) aggregates.upsertTeam({ id: team.id, name: team.name, createdDay: calendar.dayOf(team.created_at.getTime()) });
    const territories: { id: string; name: string; created_at: Date }[] = await manager.query('SELECT id, name, created_at FROM territories');
    for (const t of territories) aggregates.upsertTerritory({ id: t.id, name: t.name, createdDay: calendar.dayOf(t.created_at.getTime()) });
    const reps: RepLoadRow[] = await manager.query('SELECT id, name, team_id, territory_id, active, created_at FROM reps');
    for (const rep of reps) aggregates.upsertRep(toRepInfo(rep, calendar));
    const products: { id: string; margin_pct: string | null }[] = await manager.query('SELECT id, margin_pct::text AS margin_pct FROM products');
    for (const product of products) aggregates.upsertProduct(product.id, marginBpOrNull(product.margin_pct));
    const quotas: { rep_id: string | null; team_id: string | null; period: QuotaPeriod; period_start: string; amount: string }[] = await manager.query(
      `SELECT rep_id, team_id, period, to_char(period_start, 'YYYY-MM-DD') AS period_start, amount::text AS amount FROM quotas`,
    );
    for (const q of quotas) {
      aggregates.upsertQuota({ repId: q.rep_id, teamId: q.team_id, period: q.period, periodStart: q.period_start, amountMinor: toMinor(q.amount) });
    }
  }

  /** In keyset batches: a million deals never sit in memory as rows all at once. */
  private async loadDeals(manager: EntityManager, aggregates: KpiAggregates): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      // Team and territory exactly as the Deal DTO has them (deal.query.ts), so loaded and streamed deals agree.
      const rows: DealLoadRow[] = await manager.query(
        `SELECT d.id, d.owner_id, ${DEAL_TEAM_SQL} AS team_id, ${DEAL_TERRITORY_SQL} AS territory_id, d.amount::text AS amount,
                trim(d.currency) AS currency, d.stage, COALESCE(d.forecast_override, s.forecast_category) AS forecast_category, d.created_at, d.closed_at,
                to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date, d.product_id
           FROM deals d
           JOIN reps r ON r.id = d.owner_id
           JOIN stages s ON s.key = d.stage
           LEFT JOIN accounts a ON a.id = d.account_id
          WHERE d.id > $1
          ORDER BY d.id
          LIMIT $2`,
        [after, DEAL_BATCH],
      );
      for (const row of rows) {
        aggregates.applyDeal(
          row.id,
          aggregates.dealFacts({
            ownerId: row.owner_id,
            teamId: row.team_id,
            territoryId: row.territory_id,
            amountMinor: toMinor(row.amount),
            currency: row.currency,
            stage: row.stage,
            forecastCategory: row.forecast_category,
            createdAtMs: row.created_at.getTime(),
            closedAtMs: row.closed_at === null ? null : row.closed_at.getTime(),
            expectedCloseDate: row.expected_close_date,
            productId: row.product_id,
          }),
        );
      }
      if (rows.length < DEAL_BATCH) return;
      after = rows[rows.length - 1].id;
    }
  }

  /**
   * Activities are many and never change, so they are counted in SQL per rep, type and local
   * day. The day edges are the LocalCalendar's, passed in for width_bucket to sort into. Rows
   * outside INSTANT_RANGE (written before it was enforced) are left out: one dated 1 BC made
   * this walk 740,000 days and PostgreSQL refuse the edges.
   */
  private async loadActivities(manager: EntityManager, aggregates: KpiAggregates, calendar: LocalCalendar): Promise<void> {
    const range = [new Date(INSTANT_RANGE.earliestMs).toISOString(), new Date(INSTANT_RANGE.endMs).toISOString()];
    const [bounds]: { first: Date | null; last: Date | null }[] = await manager.query(
      'SELECT min(at) AS first, max(at) AS last FROM activities WHERE at >= $1 AND at < $2',
      range,
    );
    if (!bounds.first || !bounds.last) return;
    const firstDay = calendar.dayOf(bounds.first.getTime());
    const lastDay = calendar.dayOf(bounds.last.getTime());
    const edgeDays = lastDay - firstDay <= DENSE_EDGE_DAYS ? denseDays(firstDay, lastDay + 1) : await this.activityEdgeDays(manager, calendar, range);
    const edges = edgeDays.map((day) => new Date(calendar.startOf(day)).toISOString());
    const rows: { rep_id: string; type: ActivityType; bucket: number; count: number }[] = await manager.query(
      `SELECT rep_id, type, width_bucket(at, $1::timestamptz[]) AS bucket, count(*)::int AS count
         FROM activities WHERE at >= $2 AND at < $3 GROUP BY 1, 2, 3`,
      [edges, ...range],
    );
    for (const row of rows) {
      // Bucket i holds [edges[i-1], edges[i]): local day edgeDays[i-1].
      aggregates.addActivities(row.rep_id, row.type, edgeDays[row.bucket - 1], row.count);
    }
  }

  /**
   * The local days that hold activities and the day after each, for activities spread over
   * years: work by the days that have activities, not by the calendar days between the first
   * and the last. A bucket from a day after to the next such day holds no activity.
   */
  private async activityEdgeDays(manager: EntityManager, calendar: LocalCalendar, range: string[]): Promise<number[]> {
    const utcDays: { day: number }[] = await manager.query(
      'SELECT DISTINCT floor(extract(epoch FROM at) / 86400)::int AS day FROM activities WHERE at >= $1 AND at < $2',
      range,
    );
    const days = new Set<number>();
    for (const { day } of utcDays) {
      // A UTC day overlaps one or two local days (three across some DST changes).
      const last = calendar.dayOf((day + 1) * MS_PER_DAY - 1);
      for (let local = calendar.dayOf(day * MS_PER_DAY); local <= last; local++) days.add(local).add(local + 1);
    }
    return [...days].sort((a, b) => a - b);
  }

  private async loadLeads(manager: EntityManager, aggregates: KpiAggregates, calendar: LocalCalendar): Promise<void> {
    // Converted: the lead's history reached converted (a conversion is final, so this is also its status now).
    const rows: { id: string; rep_id: string | null; converted: boolean; created_at: Date }[] = await manager.query(
      `SELECT l.id, l.rep_id, l.created_at,
              EXISTS (SELECT 1 FROM lead_status_history h WHERE h.lead_id = l.id AND h.to_status = 'converted') AS converted
         FROM leads l`,
    );
    for (const lead of rows) {
      aggregates.applyLead(lead.id, {
        repId: lead.rep_id,
        createdDay: calendar.dayOf(lead.created_at.getTime()),
        converted: lead.converted,
      });
    }
  }
}

function toRepInfo(row: RepLoadRow, calendar: LocalCalendar): RepInfo {
  return {
    id: row.id,
    name: row.name,
    teamId: row.team_id,
    territoryId: row.territory_id,
    active: row.active,
    createdDay: calendar.dayOf(row.created_at.getTime()),
  };
}

function marginBpOrNull(marginPct: string | null): number | null {
  return marginPct === null ? null : marginBpOf(marginPct);
}
