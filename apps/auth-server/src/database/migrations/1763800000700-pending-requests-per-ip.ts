import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The IP that started each pending authorization request, so GET /oauth/authorize can count an
 * IP's live requests (pending-requests.repository.ts) on an index instead of letting one IP fill
 * the table. Rows from before this migration have none and are not counted; they expire in minutes.
 */
export class PendingRequestsPerIp1763800000700 implements MigrationInterface {
  name = 'PendingRequestsPerIp1763800000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN client_ip text`);
    await queryRunner.query(`CREATE INDEX authorization_requests_client_ip_idx ON authorization_requests (client_ip, expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS authorization_requests_client_ip_idx`);
    await queryRunner.query(`ALTER TABLE authorization_requests DROP COLUMN IF EXISTS client_ip`);
  }
}
