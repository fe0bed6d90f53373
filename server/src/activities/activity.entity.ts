import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ActivityType } from '@salesboard/shared';

@Entity('activities')
export class ActivityEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') type: ActivityType;
  @Column('uuid', { name: 'rep_id' }) repId: string;
  @Column('uuid', { name: 'deal_id', nullable: true }) dealId: string | null;
  @Column('text', { nullable: true }) note: string | null;
  @Column('timestamptz') at: Date;
}
