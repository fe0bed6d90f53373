import { Controller, Delete, Get, HttpCode, Ip, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { Allow, CurrentPrincipal } from '../../auth/access.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { IMPORT_KINDS, IMPORT_MAPPING_SCHEMAS, type ImportJob, type ImportPreview } from '@salesboard/shared';
import { jsonSchemaOf } from '../../common/openapi.js';
import { UuidParamPipe } from '../../common/params.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { csvDownload } from '../csv-write.js';
import { IngestChange } from '../ingest-change.decorator.js';
import { ImportJobsService } from './import-jobs.service.js';
import { ImportService } from './import.service.js';

const uploadBody = (fields: Record<string, object>) =>
  ApiBody({
    description: 'multipart/form-data. Send the fields before the file: the file is imported as it arrives.',
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        ...fields,
        mapping: {
          type: 'string',
          description: `JSON, per kind: ${JSON.stringify(Object.fromEntries(IMPORT_KINDS.map((kind) => [kind, jsonSchemaOf(IMPORT_MAPPING_SCHEMAS[kind])])))}`,
        },
        file: { type: 'string', format: 'binary', description: 'The CSV: comma, semicolon, tab or pipe separated, UTF-8 (or Latin-1).' },
      },
    },
  });

/** Imports write the whole pipeline: admins and write-scoped API keys only. */
@ApiTags('import')
@Allow('admin', 'integration')
@Controller('import')
export class ImportController {
  constructor(
    private readonly imports: ImportService,
    private readonly jobs: ImportJobsService,
  ) {}

  @ApiConsumes('multipart/form-data')
  @uploadBody({})
  @ApiQuery({ name: 'kind', required: false, enum: IMPORT_KINDS, description: 'What the file holds (default deals).' })
  @Post('preview')
  @HttpCode(200)
  preview(@Req() request: Request, @Query('kind') kind?: string): Promise<ImportPreview> {
    return this.imports.preview(ImportService.kindOf(kind, 'kind'), request);
  }

  /** Declared after `preview`, which it would otherwise take for a kind. */
  @ApiConsumes('multipart/form-data')
  @uploadBody({ jobId: { type: 'string', format: 'uuid', description: 'Optional id for the job, to follow its progress while the upload runs.' } })
  @ApiParam({ name: 'kind', enum: IMPORT_KINDS })
  @Post(':kind')
  importFile(
    @Param('kind') kind: string,
    @Req() request: Request,
    @IngestChange('csv') change: ChangeContext,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string,
  ): Promise<ImportJob> {
    return this.imports.importFile(ImportService.kindOf(kind, 'kind'), request, change, { principal, ip });
  }

  @Get('jobs')
  list(): Promise<ImportJob[]> {
    return this.jobs.list();
  }

  @Get('jobs/:id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<ImportJob> {
    return this.jobs.get(id);
  }

  @ApiAcceptedResponse({ description: 'The import stops after the batch it is writing; what is written stays.' })
  @Delete('jobs/:id')
  @HttpCode(202)
  cancel(@Param('id', new UuidParamPipe()) id: string): Promise<ImportJob> {
    return this.jobs.cancel(id);
  }

  @ApiOkResponse({ description: 'text/csv: line, reason, then the rejected row under the file’s headers.' })
  @Get('jobs/:id/rejected.csv')
  async rejected(@Param('id', new UuidParamPipe()) id: string): Promise<StreamableFile> {
    return csvDownload(await this.jobs.rejectedCsv(id), `import-${id}-rejected.csv`);
  }
}
