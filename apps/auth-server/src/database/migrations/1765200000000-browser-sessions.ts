import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser sessions (single sign-on), remembered consents, and what an authorization request needs
 * to honour prompt and max_age. A session row holds only the SHA-256 of the cookie's 256 random
 * bits; rows die with their user (ON DELETE CASCADE: deletion ends the sessions in the same
 * transaction). A consent is one row per user and client, with the scopes granted so far.
 */
export class BrowserSessions1765200000000 implements MigrationInterface {
  name = 'BrowserSessions1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE browser_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        handle_hash text NOT NULL UNIQUE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        authenticated_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        user_agent text,
        ip text
      )`);
    await queryRunner.query(`CREATE INDEX browser_sessions_user_idx ON browser_sessions (user_id, created_at)`);
    await queryRunner.query(`CREATE INDEX browser_sessions_expiry_idx ON browser_sessions (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE consents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        scopes jsonb NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, client_ref)
      )`);
    // The prompt values asked for (the consent step needs "consent"). auth_time (when the user
    // typed their password) is also added by OpenIdConnectTokens1765000000000; IF NOT EXISTS lets
    // either branch run alone.
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN prompt jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE authorization_requests ADD COLUMN IF NOT EXISTS auth_time timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE authorization_requests DROP COLUMN IF EXISTS prompt`);
    await queryRunner.query(`DROP TABLE IF EXISTS consents`);
    await queryRunner.query(`DROP TABLE IF EXISTS browser_sessions`);
  }
}
