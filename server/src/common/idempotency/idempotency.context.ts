/**
 * The Idempotency-Key of the request being handled, carried to the writing transaction so the
 * key is claimed in the same transaction as the change: both commit, or neither does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

export interface IdempotentRequest {
  key: string;
  /** The route: `PATCH /api/deals/…`. */
  scope: string;
  /**
   * Who sent it (`user:<id>`, `apiKey:<id>`, …): a key is only ever the caller's own, so a stored
   * answer is replayed to its caller alone and anyone else repeating the key makes a request of
   * their own, access checks included.
   */
  caller: string;
  bodyHash: string;
  /** Set once the key is claimed, so a second transaction in the same request does not claim it again. */
  claimed?: boolean;
}

/** Keys are kept this long; a repeat after that is a new request. */
export const IDEMPOTENCY_TTL_HOURS = 48;

export const idempotencyContext = new AsyncLocalStorage<IdempotentRequest>();

/** Thrown inside the transaction when another request already holds the key: the change rolls back. */
export class DuplicateRequestError extends Error {
  override name = 'DuplicateRequestError';
}

/**
 * Claims the current request's key inside `manager`'s transaction. A concurrent request with the
 * same key blocks on the unique index until this one commits, then finds the key taken.
 */
export async function claimIdempotencyKey(manager: EntityManager): Promise<IdempotentRequest | null> {
  const request = idempotencyContext.getStore();
  if (!request || request.claimed) return null;
  const rows: unknown[] = await manager.query(
    `INSERT INTO idempotency_keys (key, scope, caller, body_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key, scope, caller) DO UPDATE SET body_hash = EXCLUDED.body_hash, response = NULL, created_at = now()
       WHERE idempotency_keys.created_at <= now() - make_interval(hours => $5)
     RETURNING key`,
    [request.key, request.scope, request.caller, request.bodyHash, IDEMPOTENCY_TTL_HOURS],
  );
  if (rows.length === 0) throw new DuplicateRequestError(`Idempotency-Key ${request.key} is already used`);
  request.claimed = true;
  return request;
}

/** Stores the answer with the claimed key, still inside the same transaction. */
export async function recordIdempotentAnswer(manager: EntityManager, request: IdempotentRequest, answer: unknown): Promise<void> {
  await manager.query('UPDATE idempotency_keys SET response = $4, status_code = 200 WHERE key = $1 AND scope = $2 AND caller = $3', [
    request.key,
    request.scope,
    request.caller,
    JSON.stringify(answer ?? null),
  ]);
}
