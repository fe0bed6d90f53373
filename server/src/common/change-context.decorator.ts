import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';
import type { ChangeContext } from '../events/event-writer.service.js';

/** The context of a change made over REST: source `api`, and the request id for tracing. */
export const Change = createParamDecorator((_: unknown, ctx: ExecutionContext): ChangeContext => {
  const request = ctx.switchToHttp().getRequest<Request & { id?: string; principal?: Principal }>();
  const header = request.headers['x-request-id'];
  return { source: 'api', requestId: request.id ?? (typeof header === 'string' ? header.slice(0, 100) : undefined), principal: request.principal };
});
