import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Board, boardSchema, type BoardInput } from '@salesboard/shared';
import { Allow } from '../auth/access.decorators.js';
import { Audited, type AuditedChange } from '../auth/audited-change.decorator.js';
import { ApiZodBody } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { BoardsService } from './boards.service.js';

const AUDITED = 'Audited and announced live as `org.changed` (entity board).';

@ApiTags('boards')
@Controller('boards')
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get()
  list(): Promise<Board[]> {
    return this.boards.list();
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<Board> {
    return this.boards.get(id);
  }

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Create a board (admin)', description: AUDITED })
  @ApiZodBody(boardSchema)
  @ApiConflictResponse({ description: 'a board with this name exists' })
  create(@Body(new ZodValidationPipe(boardSchema)) body: BoardInput, @Audited() change: AuditedChange): Promise<Board> {
    return this.boards.create(body, change);
  }

  @Put(':id')
  @Allow('admin')
  @ApiOperation({ summary: 'Replace a board (admin)', description: AUDITED })
  @ApiZodBody(boardSchema)
  @ApiNotFoundResponse({ description: 'no board with this id' })
  @ApiConflictResponse({ description: 'another board has this name' })
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(boardSchema)) body: BoardInput,
    @Audited() change: AuditedChange,
  ): Promise<Board> {
    return this.boards.update(id, body, change);
  }

  @Delete(':id')
  @Allow('admin')
  @ApiOperation({ summary: 'Delete a board (admin)', description: `Displays paired to it fall back to the default board (boardId null). ${AUDITED}` })
  @ApiOkResponse({ description: 'The deleted board (`Board`).' })
  @ApiNotFoundResponse({ description: 'no board with this id' })
  remove(@Param('id', new UuidParamPipe()) id: string, @Audited() change: AuditedChange): Promise<Board> {
    return this.boards.remove(id, change);
  }
}
