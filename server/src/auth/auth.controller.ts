import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  type ApiKey,
  type AuditEntry,
  createApiKeySchema,
  type CreateApiKeyInput,
  type CreatedApiKey,
  createUserSchema,
  type CreateUserInput,
  loginSchema,
  type LoginInput,
  type Me,
  refreshSchema,
  type RefreshInput,
  type TokenPairAnswer,
  type User,
} from '@salesboard/shared';
import { ApiZodBody } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { Allow, CurrentPrincipal, Public } from './access.decorators.js';
import { AuditService } from './audit.service.js';
import { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiZodBody(loginSchema)
  login(@Body(new ZodValidationPipe(loginSchema)) body: LoginInput, @Ip() ip: string): Promise<TokenPairAnswer> {
    return this.auth.login(body.email, body.password, ip);
  }

  @Post('auth/refresh')
  @Public()
  @HttpCode(200)
  @ApiZodBody(refreshSchema)
  refresh(@Body(new ZodValidationPipe(refreshSchema)) body: RefreshInput): Promise<TokenPairAnswer> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiZodBody(refreshSchema)
  logout(@Body(new ZodValidationPipe(refreshSchema)) body: RefreshInput): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Get('auth/me')
  me(@CurrentPrincipal() principal: Principal): Me {
    const { kind, id, name, role, repId, teamIds, boardId } = principal;
    return { kind, id, name, role, repId, teamIds, boardId };
  }

  @Get('users')
  @Allow('admin')
  listUsers(): Promise<User[]> {
    return this.users.list();
  }

  @Post('users')
  @Allow('admin')
  @ApiZodBody(createUserSchema)
  createUser(@Body(new ZodValidationPipe(createUserSchema)) body: CreateUserInput, @CurrentPrincipal() principal: Principal, @Ip() ip: string): Promise<User> {
    return this.users.create(body, principal, ip);
  }

  @Get('keys')
  @Allow('admin')
  listKeys(): Promise<ApiKey[]> {
    return this.users.listKeys();
  }

  @Post('keys')
  @Allow('admin')
  @ApiZodBody(createApiKeySchema)
  createKey(
    @Body(new ZodValidationPipe(createApiKeySchema)) body: CreateApiKeyInput,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string,
  ): Promise<CreatedApiKey> {
    return this.users.createKey(body, principal, ip);
  }

  @Delete('keys/:id')
  @Allow('admin')
  revokeKey(@Param('id', new UuidParamPipe()) id: string, @CurrentPrincipal() principal: Principal, @Ip() ip: string): Promise<ApiKey> {
    return this.users.revokeKey(id, principal, ip);
  }

  @Get('audit')
  @Allow('admin')
  auditLog(): Promise<AuditEntry[]> {
    return this.audit.list();
  }
}
