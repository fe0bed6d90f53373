import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ChangeContext } from './change-context.js';
import type { Principal } from './principal.js';

/**
 * A change made through an admin or manager route: the change context every write takes, plus
 * who made it and from where, which the audit row written in the same transaction records.
 */
export interface AuditedChange extends ChangeContext {
  principal: Principal;
  ip: string | null;
}

/** `@Audited() change: AuditedChange` in place of `@Change()` on routes whose changes are audited. */
export const Audited = createParamDecorator((_: unknown, ctx: ExecutionContext): AuditedChange => {
  const request = ctx.switchToHttp().getRequest<Request & { id?: string; principal?: Principal }>();
  const header = request.headers['x-request-id'];
  if (!request.principal) throw new Error('an audited route needs a caller: it cannot be @Public');
  return {
    source: 'api',
    requestId: request.id ?? (typeof header === 'string' ? header.slice(0, 100) : undefined),
    principal: request.principal,
    ip: request.ip ?? null,
  };
});
