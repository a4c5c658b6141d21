import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dynamic client registration (RFC 7591/7592, docs/registration.md): how a client came to be
 * (`registration`: admin or dynamic), the registration access token (its SHA-256 only) and the
 * RFC 7591 metadata the registry has no column for, one row per dynamic client dying with it;
 * initial access tokens (hashed, their uses counted in the row); and the per-IP registration
 * counter of the open policy (one row per IP and hour).
 */
export class DynamicRegistration1766100000000 implements MigrationInterface {
  name = 'DynamicRegistration1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS registration text NOT NULL DEFAULT 'admin'`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS clients_dynamic_idx ON clients (updated_at) WHERE registration = 'dynamic'`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS client_registrations (
        client_ref uuid PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
        access_token_hash text NOT NULL UNIQUE,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS initial_access_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL UNIQUE,
        max_uses integer NOT NULL CHECK (max_uses > 0),
        uses integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS registration_rate_windows (
        ip text NOT NULL,
        window_start timestamptz NOT NULL,
        attempts integer NOT NULL,
        PRIMARY KEY (ip, window_start)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS registration_rate_windows`);
    await queryRunner.query(`DROP TABLE IF EXISTS initial_access_tokens`);
    await queryRunner.query(`DROP TABLE IF EXISTS client_registrations`);
    await queryRunner.query(`DROP INDEX IF EXISTS clients_dynamic_idx`);
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN IF EXISTS registration`);
  }
}
