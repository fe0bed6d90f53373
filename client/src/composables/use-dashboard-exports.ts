import type { KpisQueryInput } from '@salesboard/shared';
import { ref } from 'vue';
import { fetchCsvExport, type CsvExport } from '@/api/exports';
import { errorMessage } from '@/api/http';
import { saveBlob } from './save-blob';
import { scopeQuery, type DashboardFilters, type ScopeFilter } from './use-dashboard-filters';

export type CsvExportKind = CsvExport['kind'];
export type ExportKind = CsvExportKind | 'png';

/** "Jakarta Enterprise" → "jakarta-enterprise": file names without spaces or accents. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Today as YYYY-MM-DD in the organisation's time zone: the day the numbers were taken. */
export function dayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * `salesboard-kpis-quarter-team-jakarta-2026-11-29.csv`: what, which period (the deals export has
 * none: it lists the scope's deals of every period), which scope, and the day it was taken.
 */
export function exportFileName(kind: ExportKind, filters: DashboardFilters, scope: ScopeFilter, scopeName: string | null, day: string): string {
  const parts = ['salesboard', kind === 'png' ? 'dashboard' : kind];
  if (kind !== 'deals') parts.push(filters.period === 'custom' ? `${filters.from}_${filters.to}` : filters.period);
  if (scope.kind !== 'all') parts.push(scope.kind, slug(scopeName ?? '') || scope.id.slice(0, 8));
  parts.push(day);
  return `${parts.join('-')}.${kind === 'png' ? 'png' : 'csv'}`;
}

/** The request behind each CSV, with the same filters as the screen's own calls. */
export function csvRequest(kind: CsvExportKind, kpisQuery: KpisQueryInput, scope: ScopeFilter): CsvExport {
  if (kind === 'deals') return { kind, query: scopeQuery(scope) };
  if (kind === 'kpis') return { kind, query: kpisQuery };
  // The dashboard ranks reps within a team or territory; a rep filter shows the whole board (see DashboardView).
  const { repId: _rep, ...rest } = kpisQuery;
  return { kind, query: { ...rest, metric: 'revenue' } };
}

export interface DashboardExportContext {
  filters: () => DashboardFilters;
  /** The scope the screen shows (a manager's own team when the URL asks for more). */
  scope: () => ScopeFilter;
  kpisQuery: () => KpisQueryInput | null;
  scopeName: () => string | null;
  timeZone: () => string;
  /** The element whose picture the PNG is: the dashboard's page. */
  pictureRoot: () => HTMLElement | null;
}

/** The dashboard's downloads: one at a time, with the failure kept for the page to show. */
export function useDashboardExports(context: DashboardExportContext, unreachable: () => string) {
  const busy = ref<ExportKind | null>(null);
  const error = ref<string | null>(null);

  async function run(kind: ExportKind, make: () => Promise<Blob>): Promise<void> {
    if (busy.value) return;
    busy.value = kind;
    error.value = null;
    try {
      const blob = await make();
      saveBlob(blob, exportFileName(kind, context.filters(), context.scope(), context.scopeName(), dayIn(context.timeZone())));
    } catch (failure) {
      error.value = errorMessage(failure) ?? (failure instanceof Error && !('status' in failure) ? failure.message : unreachable());
    } finally {
      busy.value = null;
    }
  }

  function downloadCsv(kind: CsvExportKind): Promise<void> {
    const query = context.kpisQuery();
    if (!query) return Promise.resolve(); // an unfinished custom range: the filters show why
    return run(kind, () => fetchCsvExport(csvRequest(kind, query, context.scope())));
  }

  function downloadPng(): Promise<void> {
    return run('png', async () => {
      const root = context.pictureRoot();
      if (!root) throw new Error('the dashboard is not on screen');
      const { captureViewPng } = await import('./view-png');
      return captureViewPng(root);
    });
  }

  return { busy, error, downloadCsv, downloadPng };
}
