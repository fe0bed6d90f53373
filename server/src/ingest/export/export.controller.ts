import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  type ExportDealsQuery,
  exportDealsQuerySchema,
  type KpisQuery,
  kpisQuerySchema,
  type LeaderboardQuery,
  leaderboardQuerySchema,
} from '@salesboard/shared';
import { CurrentPrincipal } from '../../auth/access.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiZodQuery } from '../../common/openapi.js';
import { visibleTo } from '../../deals/deal.query.js';
import { ZodValidationPipe } from '../../common/zod-validation.pipe.js';
import { csvDownload } from '../csv-write.js';
import { DealsExportService } from './deals-export.service.js';
import { FiguresExportService } from './figures-export.service.js';

@ApiTags('export')
@Controller('export')
export class ExportController {
  constructor(
    private readonly exports: DealsExportService,
    private readonly figures: FiguresExportService,
  ) {}

  @ApiZodQuery(exportDealsQuerySchema)
  @ApiOkResponse({ description: 'text/csv (RFC 4180, UTF-8 with a BOM): a header row, then one deal per line.' })
  @Get('deals.csv')
  async deals(
    @Query(new ZodValidationPipe(exportDealsQuerySchema, 'query')) query: ExportDealsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamableFile> {
    return csvDownload(await this.exports.dealsCsv(query, visibleTo(principal)), 'deals.csv');
  }

  @ApiZodQuery(leaderboardQuerySchema)
  @ApiOkResponse({
    description:
      'text/csv (UTF-8 with a BOM): Rank, ID, Name, Value, Movement, Metric, Entity, Scope, Period From, Period To; the rows of GET /api/leaderboard.',
  })
  @Get('leaderboard.csv')
  async leaderboard(@Query(new ZodValidationPipe(leaderboardQuerySchema, 'query')) query: LeaderboardQuery): Promise<StreamableFile> {
    return csvDownload(await this.figures.leaderboardCsv(query), 'leaderboard.csv');
  }

  @ApiZodQuery(kpisQuerySchema)
  @ApiOkResponse({
    description:
      'text/csv (UTF-8 with a BOM), one row per figure: Section (kpi, funnel, team, territory, rep), Scope, Scope ID, Key, Label, Value, Unit, Period From, Period To; the figures of GET /api/kpis, with the same 403.',
  })
  @Get('kpis.csv')
  async kpis(@Query(new ZodValidationPipe(kpisQuerySchema, 'query')) query: KpisQuery, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    return csvDownload(await this.figures.kpisCsv(query, principal), 'kpis.csv');
  }
}
