import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Board, boardSchema, type BoardInput } from '@salesboard/shared';
import { Allow } from '../auth/access.decorators.js';
import { ApiZodBody } from '../common/openapi.js';
import { UuidParamPipe } from '../common/params.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { BoardsService } from './boards.service.js';

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
  @ApiZodBody(boardSchema)
  create(@Body(new ZodValidationPipe(boardSchema)) body: BoardInput): Promise<Board> {
    return this.boards.create(body);
  }

  @Put(':id')
  @Allow('admin')
  @ApiZodBody(boardSchema)
  update(@Param('id', new UuidParamPipe()) id: string, @Body(new ZodValidationPipe(boardSchema)) body: BoardInput): Promise<Board> {
    return this.boards.update(id, body);
  }
}
