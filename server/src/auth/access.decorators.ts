import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal, Role } from './principal.js';

export { Public, PUBLIC_ROUTE } from '../common/caller.js';
export const ALLOWED_ROLES = 'salesboard:roles';

/** Only these roles may call the route; without it: reads for every role, writes for all but displays. */
export const Allow = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export type RequestWithPrincipal = Request & { principal?: Principal };

/** The caller, as the guard resolved it (every non-public route has one). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal as Principal;
});
