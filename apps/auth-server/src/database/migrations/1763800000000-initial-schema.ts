import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry (clients, scopes, users, settings), the outbox, and the token tables.
 * gen_random_uuid() is built into PostgreSQL 13+ and PGlite (which has no uuid-ossp).
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id text NOT NULL UNIQUE,
        name text NOT NULL,
        version text NOT NULL,
        description text NOT NULL DEFAULT '',
        type text NOT NULL CHECK (type IN ('confidential', 'public')),
        secret_hash text,
        previous_secret_hash text,
        previous_secret_expires_at timestamptz,
        redirect_uris jsonb NOT NULL DEFAULT '[]',
        grants jsonb NOT NULL DEFAULT '[]',
        access_token_lifetime_mode text NOT NULL DEFAULT 'global' CHECK (access_token_lifetime_mode IN ('global', 'never', 'seconds')),
        access_token_lifetime_seconds integer CHECK (access_token_lifetime_seconds BETWEEN 1 AND 2147483647),
        refresh_count_mode text NOT NULL DEFAULT 'limited' CHECK (refresh_count_mode IN ('unlimited', 'limited')),
        refresh_count_limit integer CHECK (refresh_count_limit BETWEEN 0 AND 2147483647),
        active boolean NOT NULL DEFAULT true,
        entity_version bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX clients_name_version_key ON clients (lower(name), version)`);
    await queryRunner.query(`CREATE INDEX clients_created_idx ON clients (created_at, id)`);

    await queryRunner.query(`
      CREATE TABLE scopes (
        name text PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        entity_version bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE client_scopes (
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        scope_name text NOT NULL REFERENCES scopes(name) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_ref, scope_name)
      )`);
    await queryRunner.query(`CREATE INDEX client_scopes_scope_idx ON client_scopes (scope_name)`);

    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        password_hash text NOT NULL,
        permissions jsonb NOT NULL DEFAULT '[]',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);

    await queryRunner.query(`
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // seq is assigned under an advisory lock in the writer's transaction, so seq order is commit order.
    await queryRunner.query(`
      CREATE TABLE outbox_events (
        seq bigserial PRIMARY KEY,
        kind text NOT NULL,
        entity_id text NOT NULL,
        entity_version bigint NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_events_unpublished_idx ON outbox_events (seq) WHERE published_at IS NULL`);

    await queryRunner.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        retired_at timestamptz,
        expires_at timestamptz
      )`);

    // One row per token family: what the admin API lists as a "token".
    await queryRunner.query(`
      CREATE TABLE grants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        client_id text NOT NULL,
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        username text,
        grant_type text NOT NULL,
        scopes jsonb NOT NULL DEFAULT '[]',
        issued_at timestamptz NOT NULL DEFAULT now(),
        access_expires_at timestamptz,
        access_generation integer NOT NULL DEFAULT 0,
        refresh_token_hash text UNIQUE,
        refresh_remaining integer,
        refresh_unlimited boolean NOT NULL DEFAULT false,
        refresh_generation integer NOT NULL DEFAULT 0,
        authorization_code_hash text,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX grants_client_idx ON grants (client_ref, created_at)`);
    await queryRunner.query(`CREATE INDEX grants_code_idx ON grants (authorization_code_hash) WHERE authorization_code_hash IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE used_refresh_tokens (
        token_hash text PRIMARY KEY,
        grant_id uuid NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
        used_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE authorization_codes (
        code_hash text PRIMARY KEY,
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        redirect_uri text NOT NULL,
        redirect_uri_sent boolean NOT NULL,
        scopes jsonb NOT NULL DEFAULT '[]',
        code_challenge text,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE auth_failures (
        key text PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0,
        window_started_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['auth_failures', 'authorization_codes', 'used_refresh_tokens', 'grants', 'signing_keys', 'outbox_events', 'settings', 'users', 'client_scopes', 'scopes', 'clients']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
