import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  changeStageSchema,
  type ChangeStageInput,
  createDealSchema,
  type CreateDealInput,
  type Deal,
  dealsQuerySchema,
  type DealsQuery,
  updateDealSchema,
  type UpdateDealInput,
} from '@salesboard/shared';
import { CurrentPrincipal } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { Change } from '../common/change-context.decorator.js';
import { UuidParamPipe } from '../common/params.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ChangeContext } from '../events/event-writer.service.js';
import { DealsService } from './deals.service.js';

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(private readonly deals: DealsService) {}

  @ApiZodQuery(dealsQuerySchema)
  @Get()
  list(@Query(new ZodValidationPipe(dealsQuerySchema, 'query')) query: DealsQuery, @CurrentPrincipal() principal: Principal): Promise<Deal[]> {
    return this.deals.list(query, principal);
  }

  @ApiZodBody(createDealSchema)
  @Post()
  create(@Body(new ZodValidationPipe(createDealSchema)) body: CreateDealInput, @Change() change: ChangeContext): Promise<Deal> {
    return this.deals.create(body, change);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<Deal> {
    return this.deals.get(id, principal);
  }

  @ApiZodBody(updateDealSchema)
  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateDealSchema)) body: UpdateDealInput,
    @Change() change: ChangeContext,
  ): Promise<Deal> {
    return this.deals.update(id, body, change);
  }

  @ApiZodBody(changeStageSchema)
  @Post(':id/stage')
  @HttpCode(200)
  changeStage(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(changeStageSchema)) body: ChangeStageInput,
    @Change() change: ChangeContext,
  ): Promise<Deal> {
    return this.deals.changeStage(id, body, change);
  }
}
