import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UnprocessableEntityException } from '@nestjs/common';
import type { RequestWithCaller } from '../caller.js';
import { from, type Observable, of, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { badField, conflict } from '../errors.js';
import { DuplicateRequestError, IDEMPOTENCY_TTL_HOURS, idempotencyContext, type IdempotentRequest } from './idempotency.context.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The same JSON with keys in a stable order: `{a:1,b:2}` and `{b:2,a:1}` are the same body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface StoredKey {
  body_hash: string;
  /** The first answer as JSON text. */
  response: string | null;
}

/**
 * Every write accepts `Idempotency-Key`. A repeat by the same caller with the same body returns
 * the first answer and changes nothing; the same key with another body is a 422. A key is its
 * caller's own: a replay never reaches the service, where a deal's access check runs, so another
 * caller's repeat has to be a new request, checked like any other. The key is claimed inside the
 * change's own transaction (see EventWriter), so a crash can never leave a change without its
 * key or a key without its change; concurrent repeats wait for the first and then replay it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const header = request.headers['idempotency-key'];
    if (!WRITE_METHODS.has(request.method) || header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_PATTERN.test(key)) throw badField('Idempotency-Key', 'must be 1 to 200 visible ASCII characters');

    const idempotent: IdempotentRequest = {
      key,
      scope: `${request.method} ${request.path}`,
      // Interceptors run after the guard, so the caller is known here. Public writes (sign-in,
      // pairing, webhooks) have no principal and share one anonymous scope, as every key did before.
      caller: request.principal ? `${request.principal.kind}:${request.principal.id}` : 'anonymous',
      bodyHash: createHash('sha256')
        .update(canonicalJson(request.body ?? null))
        .digest('hex'),
    };
    return from(this.find(idempotent)).pipe(
      switchMap((stored) => {
        if (stored) return of(this.replay(idempotent, stored));
        return new Promise<unknown>((resolve, reject) => {
          idempotencyContext.run(idempotent, () => {
            next.handle().subscribe({
              next: resolve,
              error: (error: unknown) => {
                if (!(error instanceof DuplicateRequestError)) return reject(error);
                // Another request with this key committed first: answer as it did.
                this.find(idempotent).then((again) => (again ? resolve(this.replay(idempotent, again)) : reject(conflict('Idempotency-Key: retry'))), reject);
              },
            });
          });
        });
      }),
    );
  }

  private async find(request: IdempotentRequest): Promise<StoredKey | null> {
    const rows: StoredKey[] = await this.dataSource.query(
      `SELECT body_hash, response FROM idempotency_keys
        WHERE key = $1 AND scope = $2 AND caller = $3 AND created_at > now() - make_interval(hours => $4)`,
      [request.key, request.scope, request.caller, IDEMPOTENCY_TTL_HOURS],
    );
    return rows[0] ?? null;
  }

  private replay(request: IdempotentRequest, stored: StoredKey): unknown {
    if (stored.body_hash !== request.bodyHash) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `Idempotency-Key: ${request.key} was first used with a different body`,
      });
    }
    return stored.response === null ? null : (JSON.parse(stored.response) as unknown);
  }
}
