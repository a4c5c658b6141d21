import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pending authorization requests: what GET /oauth/authorize validated, kept server-side between the
 * login and consent pages. The browser holds only a random handle (stored here as its SHA-256);
 * user_id is set once the user has logged in.
 */
export class AuthorizationRequests1763800000100 implements MigrationInterface {
  name = 'AuthorizationRequests1763800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE authorization_requests (
        handle_hash text PRIMARY KEY,
        csrf_token text NOT NULL,
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        client_id text NOT NULL,
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        response_type text NOT NULL CHECK (response_type IN ('code', 'token')),
        redirect_uri text NOT NULL,
        redirect_uri_sent boolean NOT NULL,
        scopes jsonb NOT NULL DEFAULT '[]',
        state text,
        code_challenge text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX authorization_requests_expires_idx ON authorization_requests (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS authorization_requests`);
  }
}
