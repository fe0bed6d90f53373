import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '../common/rate-limit/rate-limiter.service.js';
import { RequestRateLimit } from '../common/rate-limit/request-rate-limit.js';
import { AuditService } from './audit.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { UsersService } from './users.service.js';

@Global()
@Module({
  controllers: [AuthController],
  providers: [AuthService, LoginThrottle, UsersService, AuditService, RateLimiter, RequestRateLimit, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, AuditService, RateLimiter],
})
export class AuthModule {}
