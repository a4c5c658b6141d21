import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revocations that outlive the grant rows they revoke. Deleting a user or a client cascades its
 * grants away, and the registry snapshot used to build its revocation list from grant rows only:
 * a resource server loading a snapshot forgot those revocations and accepted the tokens until
 * they expired (forever, for "never" lifetimes). A BEFORE DELETE trigger now keeps, for every
 * deleted grant whose access token may still verify, a record (grant id, client, user, expiry,
 * revocation time) that the snapshot lists beside the revoked live grants. Records are pruned
 * when reading a snapshot (SyncSnapshotRepository): a timed one once its token has expired, a
 * "never" one once no signing key that was in use at its revocation is published any more.
 */
export class GrantRevocationRecords1763800000500 implements MigrationInterface {
  name = 'GrantRevocationRecords1763800000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No foreign keys: the record exists precisely because its grant, user or client is gone.
    await queryRunner.query(`
      CREATE TABLE grant_revocation_records (
        grant_id uuid PRIMARY KEY,
        client_id text NOT NULL,
        user_id uuid,
        expires_at timestamptz,
        revoked_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX grant_revocation_records_expiry_idx ON grant_revocation_records (expires_at)`);
    // A grant deleted unrevoked (its client deleted) is revoked by its deletion.
    await queryRunner.query(`
      CREATE FUNCTION grants_keep_revocation_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.access_expires_at IS NULL OR OLD.access_expires_at > now() THEN
          INSERT INTO grant_revocation_records (grant_id, client_id, user_id, expires_at, revoked_at)
          VALUES (OLD.id, OLD.client_id, OLD.user_id, OLD.access_expires_at, coalesce(OLD.revoked_at, now()))
          ON CONFLICT (grant_id) DO NOTHING;
        END IF;
        RETURN OLD;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER grants_keep_revocation_record BEFORE DELETE ON grants FOR EACH ROW EXECUTE FUNCTION grants_keep_revocation_record()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS grants_keep_revocation_record ON grants`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS grants_keep_revocation_record()`);
    await queryRunner.query(`DROP TABLE IF EXISTS grant_revocation_records`);
  }
}
