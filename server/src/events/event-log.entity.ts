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
  /** Who made the change: a user, API key or display, or `system` with the source (a CRM, the simulator, an import). */
  @Column('text', { name: 'actor_kind', nullable: true }) actorKind: string | null;
  @Column('text', { name: 'actor_id', nullable: true }) actorId: string | null;
  @Column('text', { name: 'actor_name', nullable: true }) actorName: string | null;
}
