import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect id tokens (issue 15): a client chooses how its id tokens are signed and which URIs
 * it may be sent to after logout; an authorization request, the code it yields and the grant made
 * from it remember the `nonce` (OIDC Core §3.1.2.1) and when the user authenticated (`auth_time`,
 * kept by every id token of the grant, refreshes included, §12.2). Rows written before have no
 * authentication time: their id tokens carry the grant's issue time instead. `first_start_seeds`
 * records defaults created once (the standard OIDC scopes): an admin who deletes one keeps it deleted.
 */
export class OpenIdConnectTokens1765000000000 implements MigrationInterface {
  name = 'OpenIdConnectTokens1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE clients
        ADD COLUMN id_token_signed_response_alg text NOT NULL DEFAULT 'RS256',
        ADD COLUMN post_logout_redirect_uris jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN nonce text, ADD COLUMN auth_time timestamptz`);
    await queryRunner.query(`ALTER TABLE authorization_requests DROP CONSTRAINT authorization_requests_response_type_check`);
    await queryRunner.query(
      `ALTER TABLE authorization_requests ADD CONSTRAINT authorization_requests_response_type_check CHECK (response_type IN ('code', 'token', 'id_token', 'id_token token'))`,
    );
    await queryRunner.query(`ALTER TABLE authorization_codes ADD COLUMN nonce text, ADD COLUMN auth_time timestamptz`);
    await queryRunner.query(`ALTER TABLE grants ADD COLUMN auth_time timestamptz`);
    await queryRunner.query(`CREATE TABLE first_start_seeds (name text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE first_start_seeds`);
    await queryRunner.query(`ALTER TABLE grants DROP COLUMN auth_time`);
    await queryRunner.query(`ALTER TABLE authorization_codes DROP COLUMN nonce, DROP COLUMN auth_time`);
    await queryRunner.query(`DELETE FROM authorization_requests WHERE response_type NOT IN ('code', 'token')`);
    await queryRunner.query(`ALTER TABLE authorization_requests DROP CONSTRAINT authorization_requests_response_type_check`);
    await queryRunner.query(
      `ALTER TABLE authorization_requests ADD CONSTRAINT authorization_requests_response_type_check CHECK (response_type IN ('code', 'token'))`,
    );
    await queryRunner.query(`ALTER TABLE authorization_requests DROP COLUMN nonce, DROP COLUMN auth_time`);
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN id_token_signed_response_alg, DROP COLUMN post_logout_redirect_uris`);
  }
}
