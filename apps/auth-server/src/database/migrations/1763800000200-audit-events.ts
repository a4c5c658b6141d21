import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: admin changes, logins, token issue/refresh/revocation/reuse. Append-only; rows
 * arrive in batches from AuditWriter, so occurred_at (taken when the event happened) orders them,
 * with id as the tie-break. details never holds secrets, hashes or passwords (redacted on write).
 */
export class AuditEvents1763800000200 implements MigrationInterface {
  name = 'AuditEvents1763800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor text,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'client', 'anonymous')),
        action text NOT NULL,
        target_type text,
        target_id text,
        details jsonb NOT NULL DEFAULT '{}',
        ip text,
        request_id text
      )`);
    await queryRunner.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_action_idx ON audit_events (action, occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor, occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_target_idx ON audit_events (target_id, occurred_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS audit_events`);
  }
}
