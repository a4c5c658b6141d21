import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CONTRACT "Privileged scopes and token audiences": only a client flagged `introspection` learns
 * about tokens of other clients at /oauth/introspect. Every existing client starts unflagged; the
 * provisioned resource-server client gets the flag back at the next boot (ResourceClientProvisioning).
 */
export class ClientIntrospectionFlag1763800000600 implements MigrationInterface {
  name = 'ClientIntrospectionFlag1763800000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN introspection boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN introspection`);
  }
}
