import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import {
  type ExchangeRate,
  type ExchangeRateKey,
  exchangeRateKeySchema,
  type ExchangeRatesAnswer,
  putExchangeRateSchema,
  type PutExchangeRateInput,
} from '@salesboard/shared';
import { Allow } from '../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../auth/audited-change.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ExchangeRatesService } from './exchange-rates.service.js';

const ANNOUNCED = 'Audited (before → after) and announced live as `org.changed` (entity `exchangeRate`): every figure is recomputed.';

@ApiTags('exchange rates')
@Controller('exchange-rates')
export class ExchangeRatesController {
  constructor(private readonly rates: ExchangeRatesService) {}

  @Get()
  @ApiOperation({ summary: "The organisation's currency and every dated rate (any reader)" })
  @ApiOkResponse({ description: '`{ orgCurrency, rates: [{ currency, validFrom, rate, updatedAt }] }`; rate = units of orgCurrency per 1 unit of currency.' })
  list(): Promise<ExchangeRatesAnswer> {
    return this.rates.list();
  }

  @Put(':currency/:validFrom')
  @Allow('admin')
  @ApiOperation({ summary: 'Set the rate of a currency from a day on (admin)', description: ANNOUNCED })
  @ApiZodBody(putExchangeRateSchema)
  @ApiUnprocessableEntityResponse({ description: "the organisation's own currency (it always converts at 1)" })
  put(
    @Param(new ZodValidationPipe(exchangeRateKeySchema)) key: ExchangeRateKey,
    @Body(new ZodValidationPipe(putExchangeRateSchema)) body: PutExchangeRateInput,
    @Audited() change: AuditedChange,
  ): Promise<ExchangeRate> {
    return this.rates.put(key.currency, key.validFrom, body.rate, change);
  }

  @Delete(':currency/:validFrom')
  @Allow('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a dated rate (admin)', description: ANNOUNCED })
  @ApiNotFoundResponse({ description: 'no rate of this currency starts on this day' })
  @ApiConflictResponse({ description: 'some deal would be left without a rate on its day' })
  remove(@Param(new ZodValidationPipe(exchangeRateKeySchema)) key: ExchangeRateKey, @Audited() change: AuditedChange): Promise<void> {
    return this.rates.remove(key.currency, key.validFrom, change);
  }
}
