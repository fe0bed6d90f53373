import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { createLeadSchema, type CreateLeadInput, type Lead } from '@salesboard/shared';
import { Change } from '../auth/change-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ChangeContext } from '../auth/change-context.js';
import { LeadsService } from './leads.service.js';

@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @ApiZodBody(createLeadSchema)
  @Post()
  create(@Body(new ZodValidationPipe(createLeadSchema)) body: CreateLeadInput, @Change() change: ChangeContext): Promise<Lead> {
    return this.leads.create(body, change);
  }
}
