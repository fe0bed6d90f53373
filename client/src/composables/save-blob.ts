/**
 * Saves a blob the way a download link would. Files behind the bearer cannot be plain links, so
 * they are fetched first and handed to the browser through an object URL.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download synchronously; a later revoke leaves Safari time to read it.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
