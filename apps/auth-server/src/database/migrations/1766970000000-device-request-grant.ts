import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The grant a device code produced, written by the statement that spends the code, so that the
 * code presented again revokes it (RFC 6749 §4.1.2, as for authorization codes). No foreign key:
 * retention deletes grants on their own schedule, and a device request may outlive its grant. A
 * nullable column added without a default: no table rewrite, a brief lock only.
 */
export class DeviceRequestGrant1766970000000 implements MigrationInterface {
  name = 'DeviceRequestGrant1766970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE device_requests ADD COLUMN grant_id uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE device_requests DROP COLUMN grant_id`);
  }
}
