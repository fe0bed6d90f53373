import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Snapshot } from '@salesboard/shared';
import { CurrentPrincipal } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { SnapshotService } from './snapshot.service.js';

@ApiTags('live')
@Controller('snapshot')
export class SnapshotController {
  constructor(private readonly snapshots: SnapshotService) {}

  @Get()
  @ApiOkResponse({ description: 'What a socket receives on connect: the views as of one seq.' })
  get(@CurrentPrincipal() principal: Principal): Promise<Snapshot> {
    return this.snapshots.build(principal);
  }
}
