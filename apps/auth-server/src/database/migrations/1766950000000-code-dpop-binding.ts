import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 9449 §10: an authorization code bound to a DPoP key (`dpop_jkt` at /oauth/authorize, or the
 * key of the proof sent with a pushed request), from the pending request to the code. Nullable
 * columns added without a default: no table rewrite, a brief lock only.
 */
export class CodeDpopBinding1766950000000 implements MigrationInterface {
  name = 'CodeDpopBinding1766950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN dpop_jkt text`);
    await queryRunner.query(`ALTER TABLE authorization_codes ADD COLUMN dpop_jkt text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE authorization_codes DROP COLUMN dpop_jkt`);
    await queryRunner.query(`ALTER TABLE authorization_requests DROP COLUMN dpop_jkt`);
  }
}
