import { describe, expect, it } from 'vitest';
import { csvRequest, dayIn, exportFileName, slug } from './use-dashboard-exports';
import type { DashboardFilters } from './use-dashboard-filters';

const TEAM = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const month: DashboardFilters = { period: 'month', from: null, to: null, teamId: TEAM, territoryId: null, repId: null, compare: 'previous' };

describe('dashboard exports', () => {
  it('name each file after what it holds, the period, the scope and the day', () => {
    const team = { kind: 'team', id: TEAM } as const;
    expect(exportFileName('kpis', month, team, 'Jakarta Enterprise', '2026-11-29')).toBe('salesboard-kpis-month-team-jakarta-enterprise-2026-11-29.csv');
    expect(exportFileName('leaderboard', month, team, 'Jakarta Enterprise', '2026-11-29')).toBe(
      'salesboard-leaderboard-month-team-jakarta-enterprise-2026-11-29.csv',
    );
    // Deals are listed for every period: the name does not claim one.
    expect(exportFileName('deals', month, team, 'Jakarta Enterprise', '2026-11-29')).toBe('salesboard-deals-team-jakarta-enterprise-2026-11-29.csv');
    const custom: DashboardFilters = { ...month, period: 'custom', from: '2026-11-01', to: '2026-11-15', teamId: null };
    expect(exportFileName('png', custom, { kind: 'all' }, null, '2026-11-29')).toBe('salesboard-dashboard-2026-11-01_2026-11-15-2026-11-29.png');
    // A scope whose name is not known yet still names itself.
    expect(exportFileName('kpis', month, team, null, '2026-11-29')).toBe('salesboard-kpis-month-team-3f1c2d4e-2026-11-29.csv');
  });

  it('keep file names to plain letters', () => {
    expect(slug('Bali & Nusa Tenggara — Tim Ökonomi')).toBe('bali-nusa-tenggara-tim-okonomi');
  });

  it('take the day in the organisation’s time zone', () => {
    // 20:00 UTC on the 28th is already the 29th in Jakarta.
    expect(dayIn('Asia/Jakarta', new Date('2026-11-28T20:00:00Z'))).toBe('2026-11-29');
  });

  it('ask each CSV with the filters of the screen', () => {
    const query = { period: 'quarter' as const, teamId: TEAM };
    expect(csvRequest('deals', query, { kind: 'team', id: TEAM })).toEqual({ kind: 'deals', query: { teamId: TEAM } });
    expect(csvRequest('kpis', query, { kind: 'team', id: TEAM })).toEqual({ kind: 'kpis', query });
    expect(csvRequest('leaderboard', query, { kind: 'team', id: TEAM })).toEqual({ kind: 'leaderboard', query: { ...query, metric: 'revenue' } });
    // A rep filter ranks the whole board, as the dashboard's own leaderboard does.
    expect(csvRequest('leaderboard', { period: 'month', repId: TEAM }, { kind: 'rep', id: TEAM }).query).toEqual({ period: 'month', metric: 'revenue' });
  });
});
