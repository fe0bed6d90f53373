/** The event ingest adds to the log: one per import, not one per row (a CRM's changes are DealCommands'). */
import type { DealsImportedPayload } from '@salesboard/shared';
import type { WriteTx } from '../events/event-writer.service.js';

export function emitDealsImported(tx: WriteTx, payload: DealsImportedPayload): void {
  tx.emit('deals.imported', payload);
}
