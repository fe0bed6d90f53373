import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators.js';
import { SkipRateLimit } from '../common/rate-limit/request-rate-limit.js';
import type { Response } from 'express';
import type { HealthStatus } from '@salesboard/shared';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('health')
@Public()
@SkipRateLimit()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers. Orchestrators restart it when this fails, not when the database does. */
  @Get('live')
  @ApiOkResponse({ description: '`{ status: "ok" }` while the process runs' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers (and Redis, when configured, is reported). */
  @Get()
  @ApiOkResponse({ description: '`{ status: "ok", db: "up", seq }`' })
  @ApiServiceUnavailableResponse({ description: 'The database is down.' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthStatus> {
    const status = await this.health.check();
    if (status.db === 'down') response.status(503).setHeader('Retry-After', '5');
    return status;
  }
}
