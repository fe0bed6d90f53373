import { Body, Controller, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { putQuotaSchema, type PutQuotaInput, type Quota } from '@salesboard/shared';
import { Allow } from '../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../auth/audited-change.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { QuotasService } from './quotas.service.js';

@ApiTags('quotas')
@Controller('quotas')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @ApiZodBody(putQuotaSchema)
  @Put()
  @Allow('admin', 'manager', 'integration')
  put(@Body(new ZodValidationPipe(putQuotaSchema)) body: PutQuotaInput, @Audited() change: AuditedChange): Promise<Quota> {
    return this.quotas.put(body, change);
  }
}
