import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type ApiKey,
  type AuditEntry,
  type AuditQuery,
  auditQuerySchema,
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
  updateUserSchema,
  type UpdateUserInput,
  type User,
} from '@salesboard/shared';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { Allow, CurrentPrincipal, Public } from './access.decorators.js';
import { AuditService } from './audit.service.js';
import { Audited, type AuditedChange } from './audited-change.decorator.js';
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
  @ApiOperation({ summary: 'Create a user (admin); audited, announced as org.changed user' })
  @ApiZodBody(createUserSchema)
  @ApiConflictResponse({ description: 'a user with this email exists' })
  createUser(@Body(new ZodValidationPipe(createUserSchema)) body: CreateUserInput, @Audited() change: AuditedChange): Promise<User> {
    return this.users.create(body, change);
  }

  @Patch('users/:id')
  @Allow('admin')
  @ApiOperation({
    summary: 'Change a user (admin)',
    description:
      'Changing the role, deactivating or setting a password signs the user out at once: refresh tokens revoked, live sockets dropped, access tokens refused. A change of teams or rep record makes their access token be refreshed. teamIds replaces the teams a manager manages.',
  })
  @ApiZodBody(updateUserSchema)
  @ApiOkResponse({ description: 'The user after the change (`User`).' })
  @ApiNotFoundResponse({ description: 'no user with this id' })
  @ApiConflictResponse({ description: 'the change would leave no active admin' })
  updateUser(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateUserSchema)) body: UpdateUserInput,
    @Audited() change: AuditedChange,
  ): Promise<User> {
    return this.users.update(id, body, change);
  }

  @Get('keys')
  @Allow('admin')
  listKeys(): Promise<ApiKey[]> {
    return this.users.listKeys();
  }

  @Post('keys')
  @Allow('admin')
  @ApiZodBody(createApiKeySchema)
  createKey(@Body(new ZodValidationPipe(createApiKeySchema)) body: CreateApiKeyInput, @Audited() change: AuditedChange): Promise<CreatedApiKey> {
    return this.users.createKey(body, change);
  }

  @Delete('keys/:id')
  @Allow('admin')
  @ApiOperation({ summary: 'Revoke an API key (admin): it stops working at once and its sockets are dropped' })
  @ApiNotFoundResponse({ description: 'no API key with this id' })
  revokeKey(@Param('id', new UuidParamPipe()) id: string, @Audited() change: AuditedChange): Promise<ApiKey> {
    return this.users.revokeKey(id, change);
  }

  @Get('audit')
  @Allow('admin')
  @ApiOperation({
    summary: 'The audit log (admin), newest first',
    description:
      'action `team` matches every team.* action, `team.update` only that one. Page with before = the last entry’s at; a page never splits entries of the same millisecond, so it may hold a few more than limit (default 100).',
  })
  @ApiZodQuery(auditQuerySchema)
  @ApiOkResponse({
    description:
      '`AuditEntry[]`: `{ id, at, actorKind, actorId, actorName, action, target, targetName, details, ip }`: target as `<entity>:<id>`, targetName what it is called now (or the name recorded once it is gone; null when neither is known), details as `{ field: { from, to } }`.',
  })
  auditLog(@Query(new ZodValidationPipe(auditQuerySchema, 'query')) query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.list(query);
  }
}
