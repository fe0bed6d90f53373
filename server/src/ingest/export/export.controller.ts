import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type ExportDealsQuery, exportDealsQuerySchema } from '@salesboard/shared';
import { CurrentPrincipal } from '../../auth/access.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiZodQuery } from '../../common/openapi.js';
import { visibleTo } from '../../deals/deal.query.js';
import { ZodValidationPipe } from '../../common/zod-validation.pipe.js';
import { csvDownload } from '../csv-write.js';
import { DealsExportService } from './deals-export.service.js';

@ApiTags('export')
@Controller('export')
export class ExportController {
  constructor(private readonly exports: DealsExportService) {}

  @ApiZodQuery(exportDealsQuerySchema)
  @ApiOkResponse({ description: 'text/csv (RFC 4180, UTF-8 with a BOM): a header row, then one deal per line.' })
  @Get('deals.csv')
  async deals(
    @Query(new ZodValidationPipe(exportDealsQuerySchema, 'query')) query: ExportDealsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamableFile> {
    return csvDownload(await this.exports.dealsCsv(query, visibleTo(principal)), 'deals.csv');
  }
}
