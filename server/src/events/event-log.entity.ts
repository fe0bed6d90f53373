import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The append-only log every live view and every resync reads, ordered by a gap-free seq. */
@Entity('event_log')
export class EventLogEntity {
  @PrimaryColumn('bigint') seq: string;
  @Column('text') type: string;
  @Column('timestamptz') at: Date;
  @Column('jsonb') payload: unknown;
  @Column('text') source: string;
  @Column('text', { name: 'request_id', nullable: true }) requestId: string | null;
}
