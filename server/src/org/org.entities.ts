/** Teams, territories, reps, accounts and products: the organisation a pipeline belongs to. */
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('teams')
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { name: 'manager_name', nullable: true }) managerName: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('territories')
export class TerritoryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') region: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('reps')
export class RepEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') email: string;
  @Column('uuid', { name: 'team_id', nullable: true }) teamId: string | null;
  @Column('uuid', { name: 'territory_id', nullable: true }) territoryId: string | null;
  @Column('text', { name: 'avatar_url', nullable: true }) avatarUrl: string | null;
  @Column('boolean', { default: true }) active: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('accounts')
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { name: 'name_key' }) nameKey: string;
  @Column('uuid', { name: 'territory_id', nullable: true }) territoryId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('products')
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('numeric', { name: 'list_price', precision: 17, scale: 2 }) listPrice: string;
  /** null: unknown, left out of return on sales (not 0 %). */
  @Column('numeric', { name: 'margin_pct', precision: 5, scale: 2, nullable: true }) marginPct: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** How names are matched when data comes in: case- and space-insensitive. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
