/** One line per KPI for the client's hover help; the type makes a new Kpis field fail to compile until it is defined here. */
import type { Kpis } from './formulas.js';

export type KpiDefinitionKey = keyof Kpis | `forecast.${keyof Kpis['forecast']}` | `activities.${keyof Kpis['activities']}` | 'funnel' | 'stuck';

export const KPI_DEFINITIONS: Readonly<Record<KpiDefinitionKey, string>> = {
  revenue: 'Sum of the amounts of deals won in the period.',
  quota: 'The quota for the period: month and quarter quotas in it, pro-rated by day for shorter periods.',
  attainment: 'Revenue divided by quota.',
  growth: 'Change in revenue against the previous equal period, as a share of that period’s revenue.',
  incremental: 'Revenue minus the revenue of the previous equal period.',
  won: 'Deals closed won in the period.',
  lost: 'Deals closed lost in the period.',
  winRate: 'Deals won divided by deals closed (won plus lost) in the period.',
  avgDealSize: 'Revenue divided by the number of deals won.',
  cycleDays: 'Mean days from creation to close over deals won in the period.',
  cycleDaysMedian: 'Median days from creation to close over deals won in the period.',
  openPipeline: 'Sum of the amounts of all open deals now.',
  weightedPipeline: 'Sum of amount × win probability over all open deals now.',
  coverage: 'Open pipeline expected to close in the period divided by the quota still to reach.',
  velocity: 'Revenue the pipeline produces per day: open deals × average deal size × win rate ÷ cycle days.',
  forecast: 'Where the period is heading: closed, commit, best case, weighted and run rate.',
  'forecast.closed': 'Revenue already won in the period.',
  'forecast.commit': 'Closed plus open deals in the commit category expected to close in the period.',
  'forecast.bestCase': 'Commit plus open deals in the best-case category expected to close in the period.',
  'forecast.weighted': 'Closed plus amount × win probability of open deals expected to close in the period.',
  'forecast.runRate': 'Revenue so far divided by the share of the period elapsed.',
  returnOnSales: 'Margin earned on won deals (amount × product margin) divided by their revenue.',
  leadConversion: 'Share of the leads created in the period that have been converted.',
  activities: 'Calls, emails, meetings and demos logged in the period.',
  'activities.call': 'Calls logged in the period.',
  'activities.email': 'Emails logged in the period.',
  'activities.meeting': 'Meetings logged in the period.',
  'activities.demo': 'Demos logged in the period.',
  'activities.total': 'All activities logged in the period.',
  'activities.perRepPerDay': 'Activities per active rep per working day (Monday to Friday) so far.',
  funnel: 'Per stage: deals that entered it in the period, and the share that went on to a later stage or won.',
  stuck: 'Open deals that have stayed in their current stage longer than that stage’s limit (default 14 days).',
};
