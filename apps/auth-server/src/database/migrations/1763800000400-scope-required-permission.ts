import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privileged scopes: a scope may require a user permission (CONTRACT "Privileged scopes"). The
 * console's `admin` and `rs.admin` require access_control on installations that already have them
 * (new ones get it from the console provisioning). An authorization request remembers whether the
 * client asked for scopes: a privileged scope asked for is refused, one implied is left out.
 */
export class ScopeRequiredPermission1763800000400 implements MigrationInterface {
  name = 'ScopeRequiredPermission1763800000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE scopes ADD COLUMN required_permission text`);
    await queryRunner.query(`UPDATE scopes SET required_permission = 'access_control' WHERE name IN ('admin', 'rs.admin')`);
    // Requests in flight during the upgrade count as "no scope asked for": privileged scopes are left out.
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN scope_requested boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE authorization_requests DROP COLUMN scope_requested`);
    await queryRunner.query(`ALTER TABLE scopes DROP COLUMN required_permission`);
  }
}
