import type { ExportDealsQuery, KpisQueryInput, LeaderboardQueryInput } from '@salesboard/shared';
import { getBlob, type QueryValue } from './http';

/** The CSV exports behind the dashboard: each takes the query of the JSON endpoint it mirrors. */
export type CsvExport =
  { kind: 'deals'; query: ExportDealsQuery } | { kind: 'leaderboard'; query: LeaderboardQueryInput } | { kind: 'kpis'; query: KpisQueryInput };

export async function fetchCsvExport(request: CsvExport, signal?: AbortSignal): Promise<Blob> {
  const query = { ...request.query } as Record<string, QueryValue>;
  const { blob } = await getBlob(`/export/${request.kind}.csv`, { query, signal, accept: 'text/csv' });
  return blob;
}
