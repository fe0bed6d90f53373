import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Activity, logActivitySchema, type LogActivityInput } from '@salesboard/shared';
import { Change } from '../auth/change-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ChangeContext } from '../auth/change-context.js';
import { ActivitiesService } from './activities.service.js';

@ApiTags('activities')
@Controller('activities')
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @ApiZodBody(logActivitySchema)
  @Post()
  log(@Body(new ZodValidationPipe(logActivitySchema)) body: LogActivityInput, @Change() change: ChangeContext): Promise<Activity> {
    return this.activities.log(body, change);
  }
}
