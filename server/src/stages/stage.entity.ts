import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ForecastCategory, StageKind } from '@salesboard/shared';

@Entity('stages')
export class StageEntity {
  @PrimaryColumn('text') key: string;
  @Column('text') label: string;
  @Column('int') position: number;
  @Column('int') probability: number;
  @Column('text', { name: 'forecast_category' }) forecastCategory: ForecastCategory;
  @Column('text') kind: StageKind;
  @Column('int', { name: 'stuck_after_days' }) stuckAfterDays: number;
}
