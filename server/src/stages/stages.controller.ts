import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Stage } from '@salesboard/shared';
import { StagesService } from './stages.service.js';

@ApiTags('stages')
@Controller('stages')
export class StagesController {
  constructor(private readonly stages: StagesService) {}

  @Get()
  @ApiOkResponse({ description: 'The pipeline stages in order.' })
  list(): Stage[] {
    return this.stages.list();
  }
}
