import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  changeStageSchema,
  type ChangeStageInput,
  createDealSchema,
  type CreateDealInput,
  type Deal,
  type DealHistoryEntry,
  dealsQuerySchema,
  type DealsQuery,
  updateDealSchema,
  type UpdateDealInput,
} from '@salesboard/shared';
import { CurrentPrincipal } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { Change } from '../auth/change-context.js';
import { UuidParamPipe } from '../common/params.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ChangeContext } from '../auth/change-context.js';
import { DealCommands } from './deal-commands.service.js';
import { DealsService } from './deals.service.js';

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(
    private readonly deals: DealsService,
    private readonly commands: DealCommands,
  ) {}

  @ApiZodQuery(dealsQuerySchema)
  @Get()
  list(@Query(new ZodValidationPipe(dealsQuerySchema, 'query')) query: DealsQuery, @CurrentPrincipal() principal: Principal): Promise<Deal[]> {
    return this.deals.list(query, principal);
  }

  @ApiZodBody(createDealSchema)
  @Post()
  create(@Body(new ZodValidationPipe(createDealSchema)) body: CreateDealInput, @Change() change: ChangeContext): Promise<Deal> {
    return this.commands.create(body, change);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<Deal> {
    return this.deals.get(id, principal);
  }

  @Get(':id/history')
  @ApiOperation({
    summary: "A deal's history, oldest first: who created, moved, won, lost, changed or deleted it, and the activities logged against it",
    description:
      'Readable by whoever may read the deal (GET /api/deals/:id); a deal deleted in its CRM keeps its history. Imports log no event per deal: their stage-history rows appear with seq null.',
  })
  @ApiOkResponse({
    description:
      "`DealHistoryEntry[]`: `{ seq, at, actor: { kind, id, name }, currency, kind, … }`; kind `created` (stage, amount, ownerName), `stageChanged` / `won` / `lost` (from, to, amount), `updated` (changes: `[{ field, from, to }]`), `deleted`, `activity` (activity). actor.kind is `user`, `apiKey` or `display` for a caller, `system` for a webhook, import or the simulator (id = the source, name e.g. 'Pipedrive', 'CSV import').",
  })
  @ApiForbiddenResponse({ description: 'the deal is not the caller’s to see; also for an unknown id unless the caller sees every deal' })
  @ApiNotFoundResponse({ description: 'no deal with this id (to callers who see every deal)' })
  history(@Param('id', new UuidParamPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<DealHistoryEntry[]> {
    return this.deals.history(id, principal);
  }

  @ApiZodBody(updateDealSchema)
  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateDealSchema)) body: UpdateDealInput,
    @Change() change: ChangeContext,
  ): Promise<Deal> {
    return this.commands.update(id, body, change);
  }

  @ApiZodBody(changeStageSchema)
  @Post(':id/stage')
  @HttpCode(200)
  changeStage(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(changeStageSchema)) body: ChangeStageInput,
    @Change() change: ChangeContext,
  ): Promise<Deal> {
    return this.commands.changeStage(id, body, change);
  }
}
