import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A resources row; its scopes (resource_scopes) and client id are read by ResourcesRepository's joins. */
@Entity({ name: 'resources' })
export class ResourceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  identifier!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'access_token_lifetime_seconds', type: 'integer', nullable: true })
  accessTokenLifetimeSeconds!: number | null;

  @Column({ name: 'client_ref', type: 'uuid', nullable: true })
  clientRef!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
