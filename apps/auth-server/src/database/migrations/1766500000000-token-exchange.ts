import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexOnline, dropIndexOnline } from './online-index.js';

/**
 * Token exchange (RFC 8693). A grant made by an exchange names the grant of its subject token
 * (parent_grant_id), so that revoking a grant reaches every token exchanged from it, however deep
 * the chain; the partial index keeps that walk cheap while almost no grant has a parent, and is
 * built online as the other grants indexes are (the table may hold millions of rows). No foreign
 * key: retention may delete an old parent row, and its children must stay as they are. Adding
 * nullable or constant-default columns rewrites nothing. Clients gain the resources they may
 * exchange into ([]: none) and whether they may exchange without an actor (impersonation).
 */
export class TokenExchange1766500000000 implements MigrationInterface {
  name = 'TokenExchange1766500000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE grants ADD COLUMN IF NOT EXISTS parent_grant_id uuid NULL`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS token_exchange_audiences jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN IF NOT EXISTS token_exchange_impersonation boolean NOT NULL DEFAULT false`);
    await createIndexOnline(queryRunner, 'grants_parent_grant_idx', 'ON grants (parent_grant_id) WHERE parent_grant_id IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexOnline(queryRunner, 'grants_parent_grant_idx');
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN token_exchange_impersonation`);
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN token_exchange_audiences`);
    await queryRunner.query(`ALTER TABLE grants DROP COLUMN parent_grant_id`);
  }
}
