import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routes added through the admin API (/admin/v1/routes), beside RESOURCE_ROUTES_FILE's. The
 * definition is kept as sent (the route-file shape), validated by the same rules on every load.
 * route_table_version grows with every change: each instance polls it to pick up changes made at
 * another instance sharing this database (route-store/route-table.ts).
 */
export class AdminRoutes1764800000000 implements MigrationInterface {
  name = 'AdminRoutes1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE routes (
        id text PRIMARY KEY,
        position bigserial NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE route_table_version (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version bigint NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`INSERT INTO route_table_version (id) VALUES (1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS route_table_version`);
    await queryRunner.query(`DROP TABLE IF EXISTS routes`);
  }
}
