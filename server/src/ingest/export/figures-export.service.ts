/**
 * The leaderboard and the KPIs of a view as CSV, from the very services that answer
 * GET /api/leaderboard and GET /api/kpis, so a download always shows the numbers on the screen.
 *
 * The KPIs are one rectangular table in long form (a row per figure, the same columns for every
 * section) rather than several tables stacked in one file: Excel opens it as one sheet that
 * filters and pivots by Section and Scope, and every cell means the same in every row.
 */
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Kpis, KpisQuery, KpisResponse, LeaderboardQuery } from '@salesboard/shared';
import { forbidden } from '../../auth/auth.guard.js';
import { FIGURES_FORBIDDEN, figuresScopeOf, type Principal } from '../../auth/principal.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { KpisService } from '../../kpis/kpis.service.js';
import { LeaderboardService } from '../../kpis/leaderboard.service.js';
import { EventAudience } from '../../live/event-audience.js';
import { type CsvCell, csvLine, UTF8_BOM } from '../csv-write.js';

type Unit = 'money' | 'ratio' | 'deals' | 'days' | 'activities' | 'moneyPerDay' | 'activitiesPerRepPerDay';
type FlatKey = Exclude<keyof Kpis, 'forecast' | 'activities'> | `forecast.${keyof Kpis['forecast']}` | `activities.${keyof Kpis['activities']}`;

/** Every figure of Kpis, in the dashboard's order; the type makes a new KPI fail to compile until it has a row here. */
const KPI_ROWS: Record<FlatKey, { label: string; unit: Unit }> = {
  revenue: { label: 'Revenue', unit: 'money' },
  quota: { label: 'Quota', unit: 'money' },
  attainment: { label: 'Attainment', unit: 'ratio' },
  growth: { label: 'Growth', unit: 'ratio' },
  incremental: { label: 'Incremental sales', unit: 'money' },
  won: { label: 'Deals won', unit: 'deals' },
  lost: { label: 'Deals lost', unit: 'deals' },
  winRate: { label: 'Win rate', unit: 'ratio' },
  avgDealSize: { label: 'Average deal size', unit: 'money' },
  cycleDays: { label: 'Sales cycle (mean)', unit: 'days' },
  cycleDaysMedian: { label: 'Sales cycle (median)', unit: 'days' },
  openPipeline: { label: 'Open pipeline', unit: 'money' },
  weightedPipeline: { label: 'Weighted pipeline', unit: 'money' },
  coverage: { label: 'Pipeline coverage', unit: 'ratio' },
  velocity: { label: 'Sales velocity', unit: 'moneyPerDay' },
  'forecast.closed': { label: 'Forecast: closed', unit: 'money' },
  'forecast.commit': { label: 'Forecast: commit', unit: 'money' },
  'forecast.bestCase': { label: 'Forecast: best case', unit: 'money' },
  'forecast.weighted': { label: 'Forecast: weighted', unit: 'money' },
  'forecast.runRate': { label: 'Forecast: run rate', unit: 'money' },
  returnOnSales: { label: 'Return on sales', unit: 'ratio' },
  returnOnSalesRevenueShare: { label: 'Return on sales: share of revenue covered', unit: 'ratio' },
  leadConversion: { label: 'Lead conversion', unit: 'ratio' },
  'activities.call': { label: 'Calls', unit: 'activities' },
  'activities.email': { label: 'Emails', unit: 'activities' },
  'activities.meeting': { label: 'Meetings', unit: 'activities' },
  'activities.demo': { label: 'Demos', unit: 'activities' },
  'activities.total': { label: 'Activities', unit: 'activities' },
  'activities.perRepPerDay': { label: 'Activities per rep per working day', unit: 'activitiesPerRepPerDay' },
};

export const KPI_EXPORT_HEADERS = ['Section', 'Scope', 'Scope ID', 'Key', 'Label', 'Value', 'Unit', 'Period From', 'Period To'];
export const LEADERBOARD_EXPORT_HEADERS = ['Rank', 'ID', 'Name', 'Value', 'Movement', 'Metric', 'Entity', 'Scope', 'Period From', 'Period To'];

/** A KPI's value as its JSON has it: money as the decimal string, ratios and counts as the number, undefined as empty. */
function flatten(kpis: Kpis): [FlatKey, CsvCell][] {
  return (Object.keys(KPI_ROWS) as FlatKey[]).map((key) => {
    const [group, field] = key.split('.') as [keyof Kpis, string | undefined];
    const value = field === undefined ? kpis[group] : (kpis[group] as unknown as Record<string, CsvCell>)[field];
    return [key, value as CsvCell];
  });
}

@Injectable()
export class FiguresExportService {
  constructor(
    private readonly kpis: KpisService,
    private readonly leaderboards: LeaderboardService,
    private readonly audience: EventAudience,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Everyone may see everyone's standing, as on GET /api/leaderboard. */
  async leaderboardCsv(query: LeaderboardQuery): Promise<Readable> {
    const board = await this.leaderboards.board(query);
    const lines = [UTF8_BOM + csvLine(LEADERBOARD_EXPORT_HEADERS)];
    for (const row of board.rows) {
      lines.push(csvLine([row.rank, row.id, row.name, row.value, row.movement, board.metric, board.entity, board.scope, board.period.from, board.period.to]));
    }
    return Readable.from([lines.join('')]);
  }

  /** The KPIs the caller may see with GET /api/kpis (the same rule, the same 403), as one table. */
  async kpisCsv(query: KpisQuery, principal: Principal): Promise<Readable> {
    if (!this.audience.mayReadFigures(principal, figuresScopeOf(query.scope))) throw forbidden(FIGURES_FORBIDDEN);
    const answer = await this.kpis.kpis(query);
    return Readable.from([this.kpiTable(answer)]);
  }

  private kpiTable(answer: KpisResponse): string {
    const { from, to } = answer.period;
    const unit = (u: Unit): string =>
      ({
        money: this.config.currency,
        moneyPerDay: `${this.config.currency}/day`,
        ratio: 'ratio',
        deals: 'deals',
        days: 'days',
        activities: 'activities',
        activitiesPerRepPerDay: 'activities/rep/day',
      })[u];
    const lines = [UTF8_BOM + csvLine(KPI_EXPORT_HEADERS)];
    const add = (section: string, scope: string, scopeId: string | null, key: string, label: string, value: CsvCell, u: string) =>
      lines.push(csvLine([section, scope, scopeId, key, label, value, u, from, to]));
    const scopeName = answer.scope.name;
    for (const [key, value] of flatten(answer.kpis)) add('kpi', scopeName, answer.scope.id, key, KPI_ROWS[key].label, value, unit(KPI_ROWS[key].unit));
    add('kpi', scopeName, answer.scope.id, 'stuck.count', 'Stuck deals', answer.stuck.count, 'deals');
    add('kpi', scopeName, answer.scope.id, 'stuck.amount', 'Stuck deals: amount', answer.stuck.amount, unit('money'));
    for (const stage of answer.funnel) {
      add('funnel', scopeName, answer.scope.id, `funnel.${stage.stage}.reached`, `${stage.label}: reached`, stage.reached, 'deals');
      add('funnel', scopeName, answer.scope.id, `funnel.${stage.stage}.progressed`, `${stage.label}: moved on`, stage.progressed, 'ratio');
    }
    const sections = [
      ['team', answer.breakdowns.teams],
      ['territory', answer.breakdowns.territories],
      ['rep', answer.breakdowns.reps],
    ] as const;
    for (const [section, rows] of sections)
      for (const row of rows)
        for (const [key, value] of flatten(row.kpis)) add(section, row.name, row.id, key, KPI_ROWS[key].label, value, unit(KPI_ROWS[key].unit));
    return lines.join('');
  }
}
