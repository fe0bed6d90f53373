import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DealSource } from '@salesboard/shared';

/** One row per stage change: what the funnel and cycle times are computed from. */
@Entity('stage_history')
export class StageHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('uuid', { name: 'deal_id' }) dealId: string;
  @Column('text', { name: 'from_stage', nullable: true }) fromStage: string | null;
  @Column('text', { name: 'to_stage' }) toStage: string;
  @Column('numeric', { precision: 17, scale: 2 }) amount: string;
  @Column('uuid', { name: 'rep_id' }) repId: string;
  @Column('timestamptz') at: Date;
  @Column('text') source: DealSource;
}
