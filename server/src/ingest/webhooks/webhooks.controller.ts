import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  type CrmOwnerMap,
  crmOwnerMapSchema,
  type CrmOwnerMapInput,
  CRM_PROVIDERS,
  type CrmProvider,
  type CrmStageMap,
  crmStageMapSchema,
  type CrmStageMapInput,
  hubspotWebhookSchema,
  pipedriveWebhookSchema,
  type WebhookResult,
} from '@salesboard/shared';
import { Allow, Public } from '../../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../../auth/audited-change.decorator.js';
import { ApiZodBody, jsonSchemaOf } from '../../common/openapi.js';
import { badField } from '../../common/errors.js';
import { ZodValidationPipe } from '../../common/zod-validation.pipe.js';
import type { ChangeContext } from '../../auth/change-context.js';
import { IngestChange } from '../ingest-change.decorator.js';
import { CrmSettingsService } from './crm-settings.service.js';
import { HubspotWebhookService } from './hubspot.service.js';
import { PipedriveWebhookService } from './pipedrive.service.js';
import type { RawBodyRequest } from './webhook-auth.js';

/** Bodies are validated by the services, after the signature or credentials: strangers learn nothing. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly hubspot: HubspotWebhookService,
    private readonly pipedrive: PipedriveWebhookService,
    private readonly settings: CrmSettingsService,
  ) {}

  @ApiHeader({ name: 'X-HubSpot-Signature-v3', required: true })
  @ApiHeader({ name: 'X-HubSpot-Request-Timestamp', required: true })
  @ApiBody({ schema: jsonSchemaOf(hubspotWebhookSchema) })
  @Post('hubspot')
  @Public() // authenticated by its v3 signature instead
  @HttpCode(200)
  receiveHubspot(@Req() request: RawBodyRequest, @IngestChange('hubspot') change: ChangeContext): Promise<WebhookResult> {
    return this.hubspot.receive(request, change);
  }

  @ApiHeader({ name: 'Authorization', description: 'HTTP Basic: PIPEDRIVE_WEBHOOK_USER / PIPEDRIVE_WEBHOOK_PASSWORD', required: true })
  @ApiBody({ schema: jsonSchemaOf(pipedriveWebhookSchema) })
  @Post('pipedrive')
  @Public() // authenticated by HTTP Basic instead
  @HttpCode(200)
  receivePipedrive(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @IngestChange('pipedrive') change: ChangeContext,
  ): Promise<WebhookResult> {
    return this.pipedrive.receive(authorization, body, change);
  }

  @Get('hubspot/stage-map')
  @Allow('admin', 'integration')
  hubspotStageMap(): Promise<CrmStageMap> {
    return this.settings.get('hubspot');
  }

  @ApiZodBody(crmStageMapSchema)
  @Put('hubspot/stage-map')
  @Allow('admin')
  putHubspotStageMap(@Body(new ZodValidationPipe(crmStageMapSchema)) body: CrmStageMapInput, @Audited() change: AuditedChange): Promise<CrmStageMap> {
    return this.settings.put('hubspot', body, change);
  }

  @Get('pipedrive/stage-map')
  @Allow('admin', 'integration')
  pipedriveStageMap(): Promise<CrmStageMap> {
    return this.settings.get('pipedrive');
  }

  @ApiZodBody(crmStageMapSchema)
  @Put('pipedrive/stage-map')
  @Allow('admin')
  putPipedriveStageMap(@Body(new ZodValidationPipe(crmStageMapSchema)) body: CrmStageMapInput, @Audited() change: AuditedChange): Promise<CrmStageMap> {
    return this.settings.put('pipedrive', body, change);
  }

  @ApiParam({ name: 'provider', enum: CRM_PROVIDERS })
  @Get(':provider/owner-map')
  @Allow('admin', 'integration')
  ownerMap(@Param('provider') provider: string): Promise<CrmOwnerMap> {
    return this.settings.getOwners(providerOf(provider));
  }

  @ApiParam({ name: 'provider', enum: CRM_PROVIDERS })
  @ApiZodBody(crmOwnerMapSchema)
  @Put(':provider/owner-map')
  @Allow('admin')
  putOwnerMap(
    @Param('provider') provider: string,
    @Body(new ZodValidationPipe(crmOwnerMapSchema)) body: CrmOwnerMapInput,
    @Audited() change: AuditedChange,
  ): Promise<CrmOwnerMap> {
    return this.settings.putOwners(providerOf(provider), body, change);
  }
}

function providerOf(value: string): CrmProvider {
  if ((CRM_PROVIDERS as readonly string[]).includes(value)) return value as CrmProvider;
  throw badField('provider', `"${value}" is not one of ${CRM_PROVIDERS.join(', ')}`);
}
