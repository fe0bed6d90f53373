import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
  type Territory,
} from '@salesboard/shared';
import { Allow } from '../auth/access.decorators.js';
import { Change } from '../common/change-context.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ChangeContext } from '../events/event-writer.service.js';
import { OrgService } from './org.service.js';

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
  createTeam(@Body(new ZodValidationPipe(createTeamSchema)) body: CreateTeamInput, @Change() change: ChangeContext): Promise<Team> {
    return this.org.createTeam(body, change);
  }

  @Get('territories') listTerritories(): Promise<Territory[]> {
    return this.org.listTerritories();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createTerritorySchema)
  @Post('territories')
  createTerritory(@Body(new ZodValidationPipe(createTerritorySchema)) body: CreateTerritoryInput, @Change() change: ChangeContext): Promise<Territory> {
    return this.org.createTerritory(body, change);
  }

  @Get('reps') listReps(): Promise<Rep[]> {
    return this.org.listReps();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createRepSchema)
  @Post('reps')
  createRep(@Body(new ZodValidationPipe(createRepSchema)) body: CreateRepInput, @Change() change: ChangeContext): Promise<Rep> {
    return this.org.createRep(body, change);
  }

  @Get('accounts') listAccounts(): Promise<Account[]> {
    return this.org.listAccounts();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createAccountSchema)
  @Post('accounts')
  createAccount(@Body(new ZodValidationPipe(createAccountSchema)) body: CreateAccountInput, @Change() change: ChangeContext): Promise<Account> {
    return this.org.createAccount(body, change);
  }

  @Get('products') listProducts(): Promise<Product[]> {
    return this.org.listProducts();
  }
  @Allow('admin', 'integration')
  @ApiZodBody(createProductSchema)
  @Post('products')
  createProduct(@Body(new ZodValidationPipe(createProductSchema)) body: CreateProductInput, @Change() change: ChangeContext): Promise<Product> {
    return this.org.createProduct(body, change);
  }
}
