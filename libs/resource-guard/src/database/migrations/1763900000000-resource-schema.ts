import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The resource server's projection of the auth server's registry, plus the local `enabled` flag
 * (CONTRACT stage 5) that no event or resync may overwrite.
 */
export class ResourceSchema1763900000000 implements MigrationInterface {
  name = 'ResourceSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clients (
        client_id text PRIMARY KEY,
        name text NOT NULL,
        version text NOT NULL,
        type text NOT NULL,
        active boolean NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        entity_version bigint NOT NULL,
        scopes_version bigint NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`
      CREATE TABLE scopes (
        name text PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        entity_version bigint NOT NULL
      )`);
    // No foreign keys: events may name a client or scope the projection does not hold yet.
    await queryRunner.query(`
      CREATE TABLE client_scopes (
        client_id text NOT NULL,
        scope text NOT NULL,
        PRIMARY KEY (client_id, scope)
      )`);
    await queryRunner.query(`
      CREATE TABLE revoked_grants (
        grant_id text PRIMARY KEY,
        client_id text NOT NULL,
        expires_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX revoked_grants_expires_idx ON revoked_grants (expires_at) WHERE expires_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE client_revocations (
        client_id text PRIMARY KEY,
        revoked_before timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE sync_state (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        last_applied_seq bigint NOT NULL DEFAULT 0,
        snapshot_loaded_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO sync_state (id) VALUES (1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['sync_state', 'client_revocations', 'revoked_grants', 'client_scopes', 'scopes', 'clients']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
