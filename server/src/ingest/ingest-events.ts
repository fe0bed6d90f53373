/** The events ingest adds to the log: one per import (not one per row), and CRM deletions. */
import type { DealDeletedPayload, DealsImportedPayload } from '@salesboard/shared';
import type { WriteTx } from '../events/event-writer.service.js';

export function emitDealsImported(tx: WriteTx, payload: DealsImportedPayload): void {
  tx.emit('deals.imported', payload);
}

export function emitDealDeleted(tx: WriteTx, payload: DealDeletedPayload): void {
  tx.emit('deal.deleted', payload);
}
