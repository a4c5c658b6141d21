import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard's per-minute rollup (issue 18): each auth-server instance counts in memory and
 * adds its counts here every few seconds (an upsert adding to `count`), so the figures are the
 * sum over instances and survive restarts. Rows are (minute, metric, label); the retention job
 * removes them after a day. The second index serves one client's series (its sparkline).
 */
export class ActivityMinutes1766900000000 implements MigrationInterface {
  name = 'ActivityMinutes1766900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE activity_minutes (
        minute timestamptz NOT NULL,
        metric text NOT NULL,
        label text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (minute, metric, label)
      )`);
    await queryRunner.query(`CREATE INDEX activity_minutes_label_idx ON activity_minutes (metric, label, minute)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE activity_minutes`);
  }
}
