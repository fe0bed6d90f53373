import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  changeLeadStatusSchema,
  type ChangeLeadStatusInput,
  convertLeadSchema,
  type ConvertLeadInput,
  createLeadSchema,
  type CreateLeadInput,
  type Deal,
  type KpisQuery,
  kpisQuerySchema,
  type Lead,
  type LeadsBySourceResponse,
  leadsQuerySchema,
  type LeadsQuery,
  type LeadStatusChange,
  scopeToQuery,
} from '@salesboard/shared';
import { CurrentPrincipal } from '../auth/access.decorators.js';
import { forbidden } from '../auth/auth.guard.js';
import { Change } from '../auth/change-context.js';
import { FIGURES_FORBIDDEN, type Principal } from '../auth/principal.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ChangeContext } from '../auth/change-context.js';
import { EventAudience } from '../live/event-audience.js';
import { LeadsService } from './leads.service.js';

@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly audience: EventAudience,
  ) {}

  @ApiOperation({ summary: 'Leads, newest first: a rep their own, a manager their teams’; filtered by status, source, ownerId, teamId' })
  @ApiZodQuery(leadsQuerySchema)
  @Get()
  list(@Query(new ZodValidationPipe(leadsQuerySchema, 'query')) query: LeadsQuery, @CurrentPrincipal() principal: Principal): Promise<Lead[]> {
    return this.leads.list(query, principal);
  }

  @ApiOperation({
    summary: 'Leads created in a period by source, with those of them converted',
    description: 'The period and scope as GET /api/kpis takes them, with the same rights; converted means the lead’s history reached converted.',
  })
  @ApiZodQuery(kpisQuerySchema)
  @ApiOkResponse({ description: '`{ period: { from, to }, rows: [{ source, created, converted, conversion }] }`' })
  @Get('by-source')
  bySource(@Query(new ZodValidationPipe(kpisQuerySchema, 'query')) query: KpisQuery, @CurrentPrincipal() principal: Principal): Promise<LeadsBySourceResponse> {
    if (!this.audience.mayReadFigures(principal, scopeToQuery(query.scope))) throw forbidden(FIGURES_FORBIDDEN);
    return this.leads.bySource(query);
  }

  @ApiZodBody(createLeadSchema)
  @Post()
  create(@Body(new ZodValidationPipe(createLeadSchema)) body: CreateLeadInput, @Change() change: ChangeContext): Promise<Lead> {
    return this.leads.create(body, change);
  }

  @ApiOperation({ summary: 'Every status the lead has had, oldest first, with who set it and when' })
  @Get(':id/history')
  history(@Param('id', new UuidParamPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<LeadStatusChange[]> {
    return this.leads.history(id, principal);
  }

  @ApiOperation({
    summary: 'Moves a lead to another status',
    description:
      'new → contacted, qualified, disqualified; contacted → qualified, disqualified; qualified → contacted, disqualified; disqualified → new. ' +
      'converted is final and reached only by POST /api/leads/:id/convert. 409 for a move not allowed from the current status.',
  })
  @ApiZodBody(changeLeadStatusSchema)
  @Post(':id/status')
  @HttpCode(200)
  changeStatus(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(changeLeadStatusSchema)) body: ChangeLeadStatusInput,
    @Change() change: ChangeContext,
  ): Promise<Lead> {
    return this.leads.changeStatus(id, body, change);
  }

  @ApiOperation({
    summary: 'Converts a lead into a deal',
    description: 'Creates the deal (as POST /api/deals would) and marks the lead converted with its id, in one transaction. A lead converts once: 409 after.',
  })
  @ApiZodBody(convertLeadSchema)
  @Post(':id/convert')
  @HttpCode(201)
  convert(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(convertLeadSchema)) body: ConvertLeadInput,
    @Change() change: ChangeContext,
  ): Promise<{ lead: Lead; deal: Deal }> {
    return this.leads.convert(id, body, change);
  }
}
