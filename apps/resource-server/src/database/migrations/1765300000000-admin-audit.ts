import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The resource server's audit trail of its admin API (route changes, the local client switch),
 * written in the change's own transaction (audit/admin-audit.ts). The columns of the auth
 * server's audit_events, plus the client the admin's token was issued to.
 */
export class AdminAudit1765300000000 implements MigrationInterface {
  name = 'AdminAudit1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor text,
        actor_type text NOT NULL,
        client_id text,
        action text NOT NULL,
        target_type text,
        target_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        ip text,
        request_id text
      )`);
    await queryRunner.query(`CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS audit_events`);
  }
}
