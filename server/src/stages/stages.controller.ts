import { BadRequestException, Body, Controller, Delete, Get, Param, Patch, type PipeTransform, Post, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createStageSchema,
  type CreateStageInput,
  type Stage,
  stageOrderSchema,
  type StageOrderInput,
  updateStageSchema,
  type UpdateStageInput,
} from '@salesboard/shared';
import { Allow } from '../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../auth/audited-change.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { StagesService } from './stages.service.js';

/** A path key that cannot be a stage key is a 400 naming it. */
class StageKeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(value)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'key: must be a stage key like "proposal"' });
    }
    return value;
  }
}

const AUDITED = 'Audited and announced live as `org.changed` (entity stage); every node reloads its stages and the KPIs are rebuilt.';

@ApiTags('stages')
@Controller('stages')
export class StagesController {
  constructor(private readonly stages: StagesService) {}

  @Get()
  @ApiOkResponse({ description: 'The pipeline stages in order.' })
  list(): Stage[] {
    return this.stages.list();
  }

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Add a stage (admin)', description: `position is 0-based; by default after the last open stage. ${AUDITED}` })
  @ApiZodBody(createStageSchema)
  @ApiCreatedResponse({ description: 'The new stage (`Stage`).' })
  @ApiConflictResponse({ description: 'a stage with this key exists' })
  create(@Body(new ZodValidationPipe(createStageSchema)) body: CreateStageInput, @Audited() change: AuditedChange): Promise<Stage> {
    return this.stages.create(body, change);
  }

  @Put('order')
  @Allow('admin')
  @ApiOperation({
    summary: 'Reorder the stages (admin)',
    description: `Every stage key exactly once (400 naming the missing, unknown or repeated ones); open stages before won and lost ones. ${AUDITED}`,
  })
  @ApiZodBody(stageOrderSchema)
  @ApiOkResponse({ description: 'The stages in their new order (`Stage[]`).' })
  reorder(@Body(new ZodValidationPipe(stageOrderSchema)) body: StageOrderInput, @Audited() change: AuditedChange): Promise<Stage[]> {
    return this.stages.reorder(body, change);
  }

  @Patch(':key')
  @Allow('admin')
  @ApiOperation({ summary: 'Change a stage’s label, probability, forecast category or stuck limit (admin)', description: AUDITED })
  @ApiZodBody(updateStageSchema)
  @ApiOkResponse({ description: 'The stage after the change (`Stage`).' })
  @ApiNotFoundResponse({ description: 'no stage with this key' })
  update(
    @Param('key', new StageKeyPipe()) key: string,
    @Body(new ZodValidationPipe(updateStageSchema)) body: UpdateStageInput,
    @Audited() change: AuditedChange,
  ): Promise<Stage> {
    return this.stages.update(key, body, change);
  }

  @Delete(':key')
  @Allow('admin')
  @ApiOperation({
    summary: 'Delete a stage (admin)',
    description: `409 while any deal or stage history refers to it, or when it is the only stage of its kind. ${AUDITED}`,
  })
  @ApiOkResponse({ description: 'The deleted stage (`Stage`).' })
  @ApiNotFoundResponse({ description: 'no stage with this key' })
  @ApiConflictResponse({ description: 'deals or history refer to it, or it is the last of its kind' })
  remove(@Param('key', new StageKeyPipe()) key: string, @Audited() change: AuditedChange): Promise<Stage> {
    return this.stages.remove(key, change);
  }
}
