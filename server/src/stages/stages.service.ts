import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Stage } from '@salesboard/shared';
import { StageEntity } from './stage.entity.js';

/** The pipeline's stages, read on every write: kept in memory, reloaded when they change. */
@Injectable()
export class StagesService implements OnModuleInit {
  private stages: Stage[] = [];
  private byKey = new Map<string, Stage>();

  constructor(@InjectRepository(StageEntity) private readonly repo: Repository<StageEntity>) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await this.repo.find({ order: { position: 'ASC' } });
    this.stages = rows.map((r) => ({ ...r }));
    this.byKey = new Map(this.stages.map((s) => [s.key, s]));
  }

  list(): Stage[] {
    return this.stages;
  }

  find(key: string): Stage | undefined {
    return this.byKey.get(key);
  }

  /** Where a deal starts when no stage is given: the first open stage. */
  firstOpen(): Stage {
    const first = this.stages.find((s) => s.kind === 'open');
    if (!first) throw new Error('the pipeline has no open stage');
    return first;
  }
}
