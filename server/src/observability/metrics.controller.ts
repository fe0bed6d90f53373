import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/caller.js';
import { SkipRateLimit } from '../common/rate-limit/request-rate-limit.js';
import { MetricsService } from './metrics.service.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/** Prometheus text at /metrics (outside /api, where scrapers look for it); METRICS_TOKEN, when set, guards it. */
@ApiExcludeController()
@Controller('metrics')
@Public()
@SkipRateLimit()
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
