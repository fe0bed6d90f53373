import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type KpiCheckResult,
  type KpisQuery,
  kpisQuerySchema,
  type KpisResponse,
  type LeaderboardQuery,
  leaderboardQuerySchema,
  type LeaderboardResponse,
  scopeToQuery,
} from '@salesboard/shared';
import { Allow, CurrentPrincipal } from '../auth/access.decorators.js';
import { forbidden } from '../auth/auth.guard.js';
import { FIGURES_FORBIDDEN, type Principal } from '../auth/principal.js';
import { ApiZodQuery } from '../common/openapi.js';
import { EventAudience } from '../live/event-audience.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { KpisService } from './kpis.service.js';
import { LeaderboardService } from './leaderboard.service.js';

const PERIOD_NOTE =
  'Periods are today, week (ISO, from Monday), month, quarter and year (fiscal), or from/to (local dates, both inclusive), in the organisation’s time zone; the default is this month. At most one of teamId, territoryId, repId.';

@ApiTags('kpis')
@Controller()
export class KpisController {
  constructor(
    private readonly kpis: KpisService,
    private readonly leaderboards: LeaderboardService,
    private readonly audience: EventAudience,
  ) {}

  @ApiOperation({
    summary: 'Every KPI of a period and scope, with funnel, stuck deals and breakdowns',
    description: `${PERIOD_NOTE} A manager may ask for their teams and their reps, a rep for themselves only (403 otherwise).`,
  })
  @ApiZodQuery(kpisQuerySchema)
  @ApiOkResponse({ description: '`{ seq, asOf, period, scope, kpis, funnel, stuck, breakdowns }`: money as decimal strings, undefined ratios as null.' })
  @Get('kpis')
  get(@Query(new ZodValidationPipe(kpisQuerySchema, 'query')) query: KpisQuery, @CurrentPrincipal() principal: Principal): Promise<KpisResponse> {
    if (!this.audience.mayReadFigures(principal, scopeToQuery(query.scope))) throw forbidden(FIGURES_FORBIDDEN);
    return this.kpis.kpis(query);
  }

  @ApiOperation({ summary: 'Checks the live aggregates against ones rebuilt from the database at the same seq' })
  @ApiOkResponse({ description: '`{ ok, seq, checkedAt, deals, differences, tookMs }`' })
  @Get('kpis/check')
  @Allow('admin', 'integration') // it rebuilds every aggregate: for operators and their monitoring scripts
  check(): Promise<KpiCheckResult> {
    return this.kpis.check();
  }

  @ApiOperation({
    summary: 'Reps or teams ranked by revenue, won, attainment, activities or winRate',
    description:
      `${PERIOD_NOTE} Equal values share a rank (1, 2, 2, 4) and are listed by name, then id. Rank is null for nothing yet this period ` +
      '(no value, or 0 on every board but winRate). Movement is the places a member’s own results moved them since the start of the local day, ' +
      'against the others’ start-of-day values (null when new today, without a result then, or not ranked).',
  })
  @ApiZodQuery(leaderboardQuerySchema)
  @ApiOkResponse({ description: '`{ seq, asOf, metric, entity, scope, period, rows: [{ rank, id, name, value, movement }] }`' })
  @Get('leaderboard')
  leaderboard(@Query(new ZodValidationPipe(leaderboardQuerySchema, 'query')) query: LeaderboardQuery): Promise<LeaderboardResponse> {
    return this.leaderboards.board(query);
  }
}
