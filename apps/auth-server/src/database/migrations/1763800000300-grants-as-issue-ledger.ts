import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The grants table becomes the audit trail's record of `token.issued`: a grant row already holds
 * who got which token family, when, for which client and scopes, so a second row per token in
 * audit_events (a heap row, five btree entries and a jsonb value, written on the busiest path)
 * only repeated it. Each grant takes its audit id from audit_events' own sequence, so ids stay
 * unique and ordered across both tables, and the audit API reads the two as one trail. A grant
 * is deleted only by a cascade (its client or user deleted); a trigger then files its
 * token.issued event into audit_events with the same id, so the trail never loses it.
 */
export class GrantsAsIssueLedger1763800000300 implements MigrationInterface {
  name = 'GrantsAsIssueLedger1763800000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE grants ADD COLUMN audit_id bigint, ADD COLUMN request_ip text, ADD COLUMN request_id text`);
    // Events written before this migration keep their ids, request ip and request id.
    await queryRunner.query(`
      UPDATE grants g SET audit_id = a.id, request_ip = a.ip, request_id = a.request_id
      FROM audit_events a WHERE a.action = 'token.issued' AND a.target_id = g.id::text`);
    await queryRunner.query(`DELETE FROM audit_events a USING grants g WHERE a.action = 'token.issued' AND a.target_id = g.id::text AND a.id = g.audit_id`);
    await queryRunner.query(`UPDATE grants SET audit_id = nextval('audit_events_id_seq'::regclass) WHERE audit_id IS NULL`);
    await queryRunner.query(
      `ALTER TABLE grants ALTER COLUMN audit_id SET DEFAULT nextval('audit_events_id_seq'::regclass), ALTER COLUMN audit_id SET NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX grants_issued_trail_idx ON grants (created_at DESC, audit_id DESC)`);
    // The trail's actor filter, as audit_events_actor_idx serves it there (no measurable cost per token in the bench).
    await queryRunner.query(`CREATE INDEX grants_issued_actor_idx ON grants ((coalesce(username, client_id)), created_at DESC, audit_id DESC)`);
    // The one definition of a grant as its token.issued event: the audit API reads live grants
    // through it, and the trigger files a deleted grant's event from it. Details only from columns
    // no later UPDATE touches: a refresh spends refresh_remaining but never nulls it, a revocation
    // clears refresh_token_hash but not the refresh settings.
    await queryRunner.query(`
      CREATE VIEW token_issued_events AS
      SELECT audit_id AS id, created_at AS occurred_at, coalesce(username, client_id) AS actor,
             CASE WHEN username IS NULL THEN 'client' ELSE 'user' END AS actor_type, 'token.issued'::text AS action,
             'grant'::text AS target_type, id::text AS target_id,
             jsonb_build_object('clientId', client_id, 'grantType', grant_type, 'scopes', scopes,
                                'withRefreshToken', refresh_unlimited OR refresh_remaining IS NOT NULL) AS details,
             request_ip AS ip, request_id, id AS grant_id
      FROM grants`);
    await queryRunner.query(`
      CREATE FUNCTION grants_file_issue_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_events (${EVENT_COLUMNS}) OVERRIDING SYSTEM VALUE
        SELECT ${EVENT_COLUMNS} FROM token_issued_events WHERE grant_id = OLD.id;
        RETURN OLD;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER grants_file_issue_event BEFORE DELETE ON grants FOR EACH ROW EXECUTE FUNCTION grants_file_issue_event()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS grants_file_issue_event ON grants`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS grants_file_issue_event()`);
    await queryRunner.query(`INSERT INTO audit_events (${EVENT_COLUMNS}) OVERRIDING SYSTEM VALUE SELECT ${EVENT_COLUMNS} FROM token_issued_events`);
    await queryRunner.query(`DROP VIEW IF EXISTS token_issued_events`);
    await queryRunner.query(`DROP INDEX IF EXISTS grants_issued_trail_idx, grants_issued_actor_idx`);
    await queryRunner.query(`ALTER TABLE grants DROP COLUMN audit_id, DROP COLUMN request_ip, DROP COLUMN request_id`);
  }
}

const EVENT_COLUMNS = 'id, occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id';
