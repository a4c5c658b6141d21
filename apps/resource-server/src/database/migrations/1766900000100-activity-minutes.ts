import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refusals per minute (issue 18's dashboard), added into by every resource-server instance that
 * shares this database; the flusher removes minutes older than a day.
 */
export class RsActivityMinutes1766900000100 implements MigrationInterface {
  name = 'RsActivityMinutes1766900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rs_activity_minutes (
        minute timestamptz NOT NULL,
        metric text NOT NULL,
        label text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (minute, metric, label)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE rs_activity_minutes`);
  }
}
