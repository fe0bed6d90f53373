import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { NO_RATE_LIMIT, RequestRateLimit } from '../common/rate-limit/request-rate-limit.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { ALLOWED_ROLES, PUBLIC_ROUTE, type RequestWithPrincipal } from './access.decorators.js';
import { unauthorized } from '../common/errors.js';
import { AuthService } from './auth.service.js';
import { type Principal, READ_SCOPE_MISSING, readsData, type Role } from './principal.js';

/** What a route's decorators say about its access, read once per route rather than once per request. */
interface RouteAccess {
  isPublic: boolean;
  rateLimited: boolean;
  allowed: Role[] | undefined;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ANONYMOUS_VIEWER: Principal = {
  kind: 'anonymous',
  id: 'anonymous',
  name: 'anonymous viewer',
  role: 'display',
  repId: null,
  teamIds: [],
  boardId: null,
  scopes: [],
};

export function forbidden(message = 'authorization: this credential may not do that'): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });
}

/**
 * Every REST route is closed unless marked @Public. The credential is resolved to a Principal
 * (401 when missing, malformed or expired), then the route's roles are checked (403). Reads are
 * open to every role; writes to every role but displays, and to API keys with the write scope.
 * Which deal or rep a caller may touch is checked by the services, with the rules of principal.ts.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** By controller, then handler: a handler inherited by two controllers may be decorated differently in each. */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly rateLimit: RequestRateLimit,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const route = this.accessOf(context);
    const { isPublic } = route;
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    // A public route (health, login) answers even when the credential cannot be checked (the database is down).
    const principal = bearer ? await this.auth.authenticate(bearer).catch((error: unknown) => (isPublic ? null : Promise.reject(error))) : null;
    if (principal) request.principal = principal;
    // Counted before any refusal, so guessing tokens is throttled by address like any request.
    if (route.rateLimited)
      this.rateLimit.check(request, context.switchToHttp().getResponse<Response>(), principal);
    if (isPublic) return true;
    const isRead = READ_METHODS.has(request.method);
    if (!principal) {
      if (bearer === null && isRead && this.config.publicRead) {
        request.principal = ANONYMOUS_VIEWER;
        return this.check(ANONYMOUS_VIEWER, route, isRead);
      }
      throw unauthorized();
    }
    return this.check(principal, route, isRead);
  }

  /** A handler's decorators never change at run time: read with the Reflector on its first request only. */
  private accessOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.routes.get(controller);
    if (!handlers) this.routes.set(controller, (handlers = new WeakMap()));
    let access = handlers.get(handler);
    if (!access) {
      const targets = [handler, controller];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false,
        rateLimited: !this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, targets),
        allowed: this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets),
      };
      handlers.set(handler, access);
    }
    return access;
  }

  private check(principal: Principal, route: RouteAccess, isRead: boolean): boolean {
    const { allowed } = route;
    if (allowed && !allowed.includes(principal.role)) throw forbidden();
    if (principal.role === 'display' && !isRead) throw forbidden('authorization: a display is read-only');
    // The socket asks the same readsData at connect, so a key refused here reads nothing there either.
    if (isRead && !readsData(principal)) throw forbidden(READ_SCOPE_MISSING);
    if (!isRead && principal.role === 'integration' && !principal.scopes.includes('write'))
      throw forbidden('authorization: this API key lacks the write scope');
    return true;
  }
}
