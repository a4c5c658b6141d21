import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resources (RFC 8707): the APIs tokens are issued for, each owning scopes (a join table, so a
 * deleted scope leaves its resources by cascade), an optional token lifetime and the client that
 * represents it. resource_catalog_version moves with every change, so every instance's in-memory
 * catalogue notices another's change with one tiny poll. Clients gain allowed_resources (null:
 * every resource); pending requests, codes and grants remember the resources granted ([] none
 * asked: the default audience).
 */
export class Resources1766000000000 implements MigrationInterface {
  name = 'Resources1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE resources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        identifier text NOT NULL UNIQUE,
        name text NOT NULL,
        access_token_lifetime_seconds integer NULL,
        client_ref uuid NULL REFERENCES clients(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE resource_scopes (
        resource_id uuid NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
        scope_name text NOT NULL REFERENCES scopes(name) ON DELETE CASCADE,
        PRIMARY KEY (resource_id, scope_name)
      )`);
    await queryRunner.query(`CREATE INDEX resource_scopes_scope_name ON resource_scopes (scope_name)`);
    await queryRunner.query(`CREATE TABLE resource_catalog_version (id boolean PRIMARY KEY DEFAULT true CHECK (id), version bigint NOT NULL DEFAULT 0)`);
    await queryRunner.query(`INSERT INTO resource_catalog_version (id, version) VALUES (true, 0)`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN allowed_resources jsonb NULL`);
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN resources jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE authorization_codes ADD COLUMN resources jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE grants ADD COLUMN resources jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE grants DROP COLUMN resources`);
    await queryRunner.query(`ALTER TABLE authorization_codes DROP COLUMN resources`);
    await queryRunner.query(`ALTER TABLE authorization_requests DROP COLUMN resources`);
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN allowed_resources`);
    await queryRunner.query(`DROP TABLE resource_catalog_version`);
    await queryRunner.query(`DROP TABLE resource_scopes`);
    await queryRunner.query(`DROP TABLE resources`);
  }
}
