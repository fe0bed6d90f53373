import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type Account,
  createAccountSchema,
  type CreateAccountInput,
  createProductSchema,
  type CreateProductInput,
  createRepSchema,
  type CreateRepInput,
  createTeamSchema,
  type CreateTeamInput,
  createTerritorySchema,
  type CreateTerritoryInput,
  type Product,
  type Rep,
  type Team,
  type TeamAdmin,
  type Territory,
  type TerritoryOverviewAnswer,
  type TerritoryOverviewQuery,
  territoryOverviewQuerySchema,
  updateRepSchema,
  type UpdateRepInput,
  updateTeamSchema,
  type UpdateTeamInput,
  updateTerritorySchema,
  type UpdateTerritoryInput,
} from '@salesboard/shared';
import { Allow, CurrentPrincipal } from '../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../auth/audited-change.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { OrgService } from './org.service.js';

const AUDITED = 'Audited (before → after) and announced live as `org.changed`.';

@ApiTags('organisation')
@Controller()
export class OrgController {
  constructor(private readonly org: OrgService) {}

  @Get('teams') listTeams(): Promise<Team[]> {
    return this.org.listTeams();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createTeamSchema)
  @Post('teams')
  createTeam(@Body(new ZodValidationPipe(createTeamSchema)) body: CreateTeamInput, @Audited() change: AuditedChange): Promise<Team> {
    return this.org.createTeam(body, change);
  }

  @Get('admin/teams')
  @Allow('admin')
  @ApiOperation({ summary: 'Teams as the admin area lists them (admin)' })
  @ApiOkResponse({ description: '`TeamAdmin[]`: `{ id, name, managerUserId, managerName, repCount }`; repCount counts active reps.' })
  listTeamsAdmin(): Promise<TeamAdmin[]> {
    return this.org.listTeamsAdmin();
  }

  @Patch('teams/:id')
  @Allow('admin')
  @ApiOperation({
    summary: 'Rename a team or change its manager (admin)',
    description: `managerUserId must be a user with the role manager (400 otherwise). ${AUDITED}`,
  })
  @ApiZodBody(updateTeamSchema)
  @ApiOkResponse({ description: 'The team after the change (`TeamAdmin`).' })
  @ApiNotFoundResponse({ description: 'no team with this id' })
  @ApiConflictResponse({ description: 'another team has this name' })
  updateTeam(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateTeamSchema)) body: UpdateTeamInput,
    @Audited() change: AuditedChange,
  ): Promise<TeamAdmin> {
    return this.org.updateTeam(id, body, change);
  }

  @Get('territories') listTerritories(): Promise<Territory[]> {
    return this.org.listTerritories();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createTerritorySchema)
  @Post('territories')
  createTerritory(@Body(new ZodValidationPipe(createTerritorySchema)) body: CreateTerritoryInput, @Audited() change: AuditedChange): Promise<Territory> {
    return this.org.createTerritory(body, change);
  }

  @Get('territories/overview')
  @Allow('admin', 'manager')
  @ApiOperation({
    summary: 'Territories with their reps, accounts, open pipeline, won and quota for a period (admin, manager)',
    description:
      'Period month (default), quarter or year, in the organisation’s time zone; money as decimal strings. A manager sees every territory and rep, but the figures (open deals, pipeline, won, quota, attainment) and the unassigned reps of their own teams only.',
  })
  @ApiZodQuery(territoryOverviewQuerySchema)
  @ApiOkResponse({ description: '`TerritoryOverviewAnswer`' })
  territoryOverview(
    @Query(new ZodValidationPipe(territoryOverviewQuerySchema, 'query')) query: TerritoryOverviewQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TerritoryOverviewAnswer> {
    return this.org.territoryOverview(query, principal);
  }

  @Patch('territories/:id')
  @Allow('admin')
  @ApiOperation({ summary: 'Rename a territory or change its region (admin)', description: AUDITED })
  @ApiZodBody(updateTerritorySchema)
  @ApiOkResponse({ description: 'The territory after the change (`Territory`).' })
  @ApiNotFoundResponse({ description: 'no territory with this id' })
  @ApiConflictResponse({ description: 'another territory has this name' })
  updateTerritory(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateTerritorySchema)) body: UpdateTerritoryInput,
    @Audited() change: AuditedChange,
  ): Promise<Territory> {
    return this.org.updateTerritory(id, body, change);
  }

  @Get('reps') listReps(): Promise<Rep[]> {
    return this.org.listReps();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createRepSchema)
  @Post('reps')
  createRep(@Body(new ZodValidationPipe(createRepSchema)) body: CreateRepInput, @Audited() change: AuditedChange): Promise<Rep> {
    return this.org.createRep(body, change);
  }

  @Patch('reps/:id')
  @Allow('admin', 'manager')
  @ApiOperation({
    summary: 'Change a rep (admin; a manager: territoryId and active of their own teams’ reps)',
    description: `Moving a rep to another team or territory moves their open deals with them; won and lost deals keep the team and territory they were closed for. ${AUDITED}`,
  })
  @ApiZodBody(updateRepSchema)
  @ApiOkResponse({ description: 'The rep after the change (`Rep`).' })
  @ApiForbiddenResponse({ description: 'a manager changing another field, or a rep outside their teams' })
  @ApiNotFoundResponse({ description: 'no rep with this id' })
  @ApiConflictResponse({ description: 'another rep has this email' })
  updateRep(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateRepSchema)) body: UpdateRepInput,
    @Audited() change: AuditedChange,
  ): Promise<Rep> {
    return this.org.updateRep(id, body, change);
  }

  @Get('accounts') listAccounts(): Promise<Account[]> {
    return this.org.listAccounts();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createAccountSchema)
  @Post('accounts')
  createAccount(@Body(new ZodValidationPipe(createAccountSchema)) body: CreateAccountInput, @Audited() change: AuditedChange): Promise<Account> {
    return this.org.createAccount(body, change);
  }

  @Get('products') listProducts(): Promise<Product[]> {
    return this.org.listProducts();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createProductSchema)
  @Post('products')
  createProduct(@Body(new ZodValidationPipe(createProductSchema)) body: CreateProductInput, @Audited() change: AuditedChange): Promise<Product> {
    return this.org.createProduct(body, change);
  }
}
