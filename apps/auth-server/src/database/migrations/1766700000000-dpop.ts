import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DPoP (RFC 9449) and client assertions (RFC 7523), issue 17:
 * - `used_one_time_ids`: the `jti`s of proofs and assertions seen, shared by every auth-server
 *   instance (one primary-key insert decides "first use"), until the proof could no longer be
 *   accepted anyway; the retention job removes the expired ones.
 * - `grants.refresh_jkt`: the key a public client's refresh token is bound to (§5): a refresh must
 *   come with a proof of that key. Confidential clients' refresh tokens are bound by the client's
 *   authentication instead, so it stays null for them.
 */
export class Dpop1766700000000 implements MigrationInterface {
  name = 'Dpop1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE used_one_time_ids (key text PRIMARY KEY, expires_at timestamptz NOT NULL)`);
    await queryRunner.query(`CREATE INDEX used_one_time_ids_expiry_idx ON used_one_time_ids (expires_at)`);
    await queryRunner.query(`ALTER TABLE grants ADD COLUMN refresh_jkt text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE grants DROP COLUMN refresh_jkt`);
    await queryRunner.query(`DROP TABLE used_one_time_ids`);
  }
}
