import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexOnline } from './online-index.js';

/**
 * What the retention job (docs/retention.md) needs: the indexes that make each of its bounded
 * deletes an index range scan, the lease row that lets one auth server at a time run it, and a
 * grant's token.issued event no longer filed into audit_events once it is past the audit
 * retention (deleting such a grant used to copy an event the next run would delete again).
 *
 * `transaction = false`: CREATE INDEX CONCURRENTLY cannot run in a transaction block, and only it
 * builds an index on a large grants table without blocking the token endpoint's inserts. TypeORM
 * runs this migration outside a transaction (runMigrations with transaction 'each'); a build that
 * failed half-way leaves an INVALID index, which the next start drops and builds again.
 */
export class Retention1765500000000 implements MigrationInterface {
  name = 'Retention1765500000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS maintenance_leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    // The grants nothing can use any more, oldest first: refresh token spent, revoked or never
    // issued, and an access token that expires (or a revoked "never" one). Live grants with a
    // refresh token, the bulk of a busy table, are not in it, so a run never walks past them.
    await createIndexOnline(
      queryRunner,
      'grants_retention_idx',
      'ON grants (created_at) WHERE refresh_token_hash IS NULL AND (access_expires_at IS NOT NULL OR revoked_at IS NOT NULL)',
    );
    // ON DELETE CASCADE from grants looks used tokens up by grant_id: without it, a sequential scan per deleted grant.
    await createIndexOnline(queryRunner, 'used_refresh_tokens_grant_idx', 'ON used_refresh_tokens (grant_id)');
    await createIndexOnline(queryRunner, 'authorization_codes_expires_idx', 'ON authorization_codes (expires_at)');
    await createIndexOnline(queryRunner, 'auth_failures_window_idx', 'ON auth_failures (window_started_at)');
    // CREATE OR REPLACE: the trigger keeps pointing at it; no lock on grants is taken.
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION grants_file_issue_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.created_at < now() - make_interval(days => ${AUDIT_RETENTION_DAYS_SQL}) THEN
          RETURN OLD;
        END IF;
        INSERT INTO audit_events (${EVENT_COLUMNS}) OVERRIDING SYSTEM VALUE
        SELECT ${EVENT_COLUMNS} FROM token_issued_events WHERE grant_id = OLD.id;
        RETURN OLD;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION grants_file_issue_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_events (${EVENT_COLUMNS}) OVERRIDING SYSTEM VALUE
        SELECT ${EVENT_COLUMNS} FROM token_issued_events WHERE grant_id = OLD.id;
        RETURN OLD;
      END $$`);
    for (const index of ['auth_failures_window_idx', 'authorization_codes_expires_idx', 'used_refresh_tokens_grant_idx', 'grants_retention_idx']) {
      await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
    }
    await queryRunner.query(`DROP TABLE IF EXISTS maintenance_leases`);
  }
}

const EVENT_COLUMNS = 'id, occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id';

/** The setting auditRetentionDays as the trigger reads it; 90 is its default (settings/settings.ts). */
const AUDIT_RETENTION_DAYS_SQL = `coalesce((SELECT (value #>> '{}')::int FROM settings WHERE key = 'auditRetentionDays'), 90)`;
