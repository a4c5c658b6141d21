import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device authorization requests (RFC 8628). The device code, the user code and the page handle
 * (what the /device pages carry once the user code was entered) are kept as SHA-256 hashes only.
 * A poll is one UPDATE on the device code's unique index: last_polled_at and interval_seconds are
 * the slow_down state, consumed_at makes the code single-use; a denied request's refusal is the
 * error the device is told (the user's "deny", or a privileged scope the user may not grant). The partial index serves the admin
 * list of pending requests; expires_at the retention job.
 */
export class DeviceRequests1766400000000 implements MigrationInterface {
  name = 'DeviceRequests1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE device_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        device_code_hash text NOT NULL UNIQUE,
        user_code_hash text NOT NULL UNIQUE,
        page_handle_hash text NULL UNIQUE,
        client_ref uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        client_id text NOT NULL,
        scopes jsonb NOT NULL DEFAULT '[]',
        scope_requested boolean NOT NULL,
        resources jsonb NOT NULL DEFAULT '[]',
        device_ip text NULL,
        device_user_agent text NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
        refusal text NULL CHECK (refusal IN ('access_denied', 'invalid_scope')),
        user_id uuid NULL REFERENCES users(id) ON DELETE CASCADE,
        granted_scopes jsonb NULL,
        auth_time timestamptz NULL,
        interval_seconds integer NOT NULL DEFAULT 5,
        last_polled_at timestamptz NULL,
        consumed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX device_requests_expires_idx ON device_requests (expires_at)`);
    await queryRunner.query(`CREATE INDEX device_requests_pending_idx ON device_requests (created_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX device_requests_user_idx ON device_requests (user_id) WHERE user_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS device_requests`);
  }
}
