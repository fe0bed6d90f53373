import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { QuotaPeriod } from '@salesboard/shared';

@Entity('quotas')
export class QuotaEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'rep_id', nullable: true }) repId: string | null;
  @Column('uuid', { name: 'team_id', nullable: true }) teamId: string | null;
  @Column('text') period: QuotaPeriod;
  @Column('date', { name: 'period_start' }) periodStart: string;
  @Column('numeric', { precision: 17, scale: 2 }) amount: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
