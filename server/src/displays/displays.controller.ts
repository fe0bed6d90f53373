import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  type Display,
  type ListedDisplay,
  pairingApproveSchema,
  type PairingApproveInput,
  type PairingBoards,
  type PairingPoll,
  pairingPollSchema,
  type PairingStart,
} from '@salesboard/shared';
import { Allow, CurrentPrincipal, Public } from '../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../auth/audited-change.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ApiZodBody } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { PairingService } from './pairing.service.js';

@ApiTags('displays')
@Controller()
export class DisplaysController {
  constructor(private readonly pairing: PairingService) {}

  /** The TV asks for a code to show (RFC 8628 §3.1). */
  @Post('pairing')
  @Public()
  start(@Req() request: Request): Promise<PairingStart> {
    return this.pairing.start(`${request.protocol}://${request.get('host') ?? 'localhost'}`);
  }

  /** The TV polls with its device code until a person approves (RFC 8628 §3.4). */
  @Post('pairing/token')
  @Public()
  @HttpCode(200)
  @ApiZodBody(pairingPollSchema)
  poll(@Body(new ZodValidationPipe(pairingPollSchema)) body: { deviceCode: string }): Promise<PairingPoll> {
    return this.pairing.poll(body.deviceCode);
  }

  /** A manager or admin enters the code shown on the TV and picks its board. */
  @Post('pairing/approve')
  @Allow('admin', 'manager')
  @ApiZodBody(pairingApproveSchema)
  approve(@Body(new ZodValidationPipe(pairingApproveSchema)) body: PairingApproveInput, @Audited() change: AuditedChange): Promise<Display> {
    return this.pairing.approve(body, change);
  }

  /** The boards the caller may pick on the pairing page, and what a TV paired without one would read. */
  @Get('pairing/boards')
  @Allow('admin', 'manager')
  pairableBoards(@CurrentPrincipal() principal: Principal): Promise<PairingBoards> {
    return this.pairing.pairableBoards(principal);
  }

  /** Each display says whether the caller may revoke it, and why not, so the list offers only what works. */
  @Get('displays')
  @Allow('admin', 'manager')
  list(@CurrentPrincipal() principal: Principal): Promise<ListedDisplay[]> {
    return this.pairing.list(principal);
  }

  @Delete('displays/:id')
  @Allow('admin', 'manager')
  revoke(@Param('id', new UuidParamPipe()) id: string, @Audited() change: AuditedChange): Promise<Display> {
    return this.pairing.revoke(id, change);
  }
}
