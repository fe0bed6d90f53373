import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DealSource, ForecastCategory } from '@salesboard/shared';

@Entity('deals')
export class DealEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') source: DealSource;
  @Column('text', { name: 'external_id', nullable: true }) externalId: string | null;
  @Column('text') name: string;
  @Column('uuid', { name: 'account_id', nullable: true }) accountId: string | null;
  @Column('uuid', { name: 'product_id', nullable: true }) productId: string | null;
  @Column('uuid', { name: 'owner_id' }) ownerId: string;
  /** numeric(17,2) comes back from pg as a string: exact, never a float. */
  @Column('numeric', { precision: 17, scale: 2 }) amount: string;
  @Column('char', { length: 3 }) currency: string;
  @Column('text') stage: string;
  @Column('text', { name: 'forecast_override', nullable: true }) forecastOverride: ForecastCategory | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('date', { name: 'expected_close_date', nullable: true }) expectedCloseDate: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('timestamptz', { name: 'stage_entered_at' }) stageEnteredAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
