import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { LogContext } from '../events/event-writer.service.js';
import type { Principal } from './principal.js';

/**
 * A change as services see it: what the event log records (source, request id, who), and the
 * caller's full principal, whose rights the services check. Absent for changes the system makes
 * itself (the simulator, a webhook whose signature was verified, an admin's import job).
 */
export interface ChangeContext extends LogContext {
  principal?: Principal;
}

/** The context of a change made over REST: source `api`, and the request id for tracing. */
export const Change = createParamDecorator((_: unknown, ctx: ExecutionContext): ChangeContext => {
  const request = ctx.switchToHttp().getRequest<Request & { id?: string; principal?: Principal }>();
  const header = request.headers['x-request-id'];
  return { source: 'api', requestId: request.id ?? (typeof header === 'string' ? header.slice(0, 100) : undefined), principal: request.principal };
});
