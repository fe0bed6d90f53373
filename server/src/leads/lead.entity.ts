import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { LeadStatus } from '@salesboard/shared';

@Entity('leads')
export class LeadEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') source: string;
  @Column('text') status: LeadStatus;
  @Column('uuid', { name: 'rep_id', nullable: true }) repId: string | null;
  @Column('uuid', { name: 'converted_deal_id', nullable: true }) convertedDealId: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
