import type { ImportJob, ImportKind, ImportMappingOf, ImportPreview } from '@salesboard/shared';
import { deleteJson, getBlob, getJson, postForm } from './http';

/** Any kind's `mapping` field: the kind's own schema, as `mappingToSend` shapes it. */
export type AnyImportMapping = ImportMappingOf<ImportKind>;

/** The multipart body: the fields first, the file last, because the server imports the file as it arrives. */
export function importForm(file: File, mapping: AnyImportMapping, jobId?: string): FormData {
  const form = new FormData();
  form.append('mapping', JSON.stringify(mapping));
  if (jobId) form.append('jobId', jobId);
  form.append('file', file, file.name);
  return form;
}

export function previewImport(kind: ImportKind, file: File, mapping: AnyImportMapping, signal?: AbortSignal): Promise<ImportPreview> {
  return postForm<ImportPreview>('/import/preview', importForm(file, mapping), { signal, query: { kind } });
}

/** Resolves when the import has ended (the server reads the upload as it writes), with the final job. */
export function runImport(kind: ImportKind, file: File, mapping: AnyImportMapping, jobId: string): Promise<ImportJob> {
  return postForm<ImportJob>(`/import/${kind}`, importForm(file, mapping, jobId));
}

export function listImportJobs(signal?: AbortSignal): Promise<ImportJob[]> {
  return getJson<ImportJob[]>('/import/jobs', { signal });
}

export function fetchImportJob(id: string, signal?: AbortSignal): Promise<ImportJob> {
  return getJson<ImportJob>(`/import/jobs/${encodeURIComponent(id)}`, { signal });
}

/** Stops the import after the batch it is writing; what is written stays. */
export function cancelImportJob(id: string): Promise<ImportJob> {
  return deleteJson<ImportJob>(`/import/jobs/${encodeURIComponent(id)}`);
}

/** The rejected rows, each with its line number and reason. */
export async function fetchRejectedCsv(id: string): Promise<{ blob: Blob; fileName: string }> {
  const { blob, fileName } = await getBlob(`/import/jobs/${encodeURIComponent(id)}/rejected.csv`, { accept: 'text/csv' });
  return { blob, fileName: fileName ?? `import-${id}-rejected.csv` };
}
