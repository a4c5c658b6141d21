import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'scopes' })
export class ScopeEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'required_permission', type: 'text', nullable: true })
  requiredPermission!: string | null;

  /** bigint comes back from pg as a string; the repository converts it. */
  @Column({ name: 'entity_version', type: 'bigint', default: 1 })
  entityVersion!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
