import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { DealSource } from '@salesboard/shared';
import type { ChangeContext } from '../auth/change-context.js';

/** The context of a change that came in from a file or a CRM: its source, and the request id for tracing. */
export const IngestChange = createParamDecorator((source: Extract<DealSource, 'csv' | 'hubspot' | 'pipedrive'>, ctx: ExecutionContext): ChangeContext => {
  const request = ctx.switchToHttp().getRequest<Request & { id?: string }>();
  const header = request.headers['x-request-id'];
  return { source, requestId: request.id ?? (typeof header === 'string' ? header.slice(0, 100) : undefined) };
});
