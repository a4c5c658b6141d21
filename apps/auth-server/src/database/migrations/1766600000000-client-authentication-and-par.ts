import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * JWT client authentication (RFC 7523) and pushed authorization requests (RFC 9126): each
 * client's token_endpoint_auth_method (existing public clients become `none`, confidential ones
 * keep Basic-or-post), its public keys (`jwks` inline or `jwks_uri`), the sealed secret of
 * client_secret_jwt clients (current and previous, as the hashes), and its PAR requirement; the
 * pushed requests themselves, keyed by the SHA-256 of their request_uri, single use, short-lived.
 */
export class ClientAuthenticationAndPar1766600000000 implements MigrationInterface {
  name = 'ClientAuthenticationAndPar1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS token_endpoint_auth_method text NOT NULL DEFAULT 'client_secret_basic'`);
    await queryRunner.query(`UPDATE clients SET token_endpoint_auth_method = 'none' WHERE type = 'public' AND token_endpoint_auth_method <> 'none'`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS jwks jsonb`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS jwks_uri text`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS secret_sealed text`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS previous_secret_sealed text`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS require_pushed_authorization_requests boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS pushed_authorization_requests (
        request_uri_hash text PRIMARY KEY,
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        parameters jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS pushed_authorization_requests_expiry_idx ON pushed_authorization_requests (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS pushed_authorization_requests`);
    for (const column of ['require_pushed_authorization_requests', 'previous_secret_sealed', 'secret_sealed', 'jwks_uri', 'jwks', 'token_endpoint_auth_method']) {
      await queryRunner.query(`ALTER TABLE clients DROP COLUMN IF EXISTS ${column}`);
    }
  }
}
