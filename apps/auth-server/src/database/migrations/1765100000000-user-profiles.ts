import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect standard claims on users (userinfo), as one jsonb object under the claim names:
 * always read and written whole, never searched by claim, validated by the admin API. A table
 * per claim or a column each would add joins or DDL for every claim OIDC defines and nothing
 * queries them. Existing users start with no claims.
 */
export class UserProfiles1765100000000 implements MigrationInterface {
  name = 'UserProfiles1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN profile jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN profile`);
  }
}
