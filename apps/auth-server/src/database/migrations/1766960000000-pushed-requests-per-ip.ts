import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pushed authorization requests remember the pushing IP, so that one address holds at most
 * AUTHORIZE_PENDING_PER_IP live ones, as at the authorization endpoint. The table holds a minute of
 * requests at most (60 s lifetime, retention): a plain index build is brief. Rows from before have
 * no IP and count for none.
 */
export class PushedRequestsPerIp1766960000000 implements MigrationInterface {
  name = 'PushedRequestsPerIp1766960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE pushed_authorization_requests ADD COLUMN client_ip text`);
    await queryRunner.query(`CREATE INDEX pushed_authorization_requests_ip_idx ON pushed_authorization_requests (client_ip, expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX pushed_authorization_requests_ip_idx`);
    await queryRunner.query(`ALTER TABLE pushed_authorization_requests DROP COLUMN client_ip`);
  }
}
