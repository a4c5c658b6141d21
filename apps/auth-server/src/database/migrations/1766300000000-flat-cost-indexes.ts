import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexOnline, dropIndexOnline } from './online-index.js';

/**
 * The admin token lists at ten million grants (issue 19, docs/query-plans.md): each page is an
 * index range scan that stops at the page's end, whatever the table holds.
 *
 * - `grants_client_page_idx (client_ref, created_at, id)` replaces `grants_client_idx (client_ref,
 *   created_at)`: the list's order and keyset cursor are (created_at, id), so the page is read in
 *   index order with the cursor as an index condition. Same number of indexes per grant written;
 *   it still serves a client's revocation and its delete's cascade.
 * - `grants_user_page_idx (user_id, created_at, id) WHERE user_id IS NOT NULL`: the list by user
 *   (the user's id looked up by name first; usernames are immutable), and the cascade when a user
 *   is deleted, which read the whole table before. client_credentials grants have no user, so the
 *   token endpoint's hottest path writes no entry in it.
 *
 * Built online as migration 1765500000000 builds its indexes (CREATE INDEX CONCURRENTLY, outside a
 * transaction, an INVALID leftover rebuilt); the new client index exists before the old one goes.
 */
export class FlatCostIndexes1766300000000 implements MigrationInterface {
  name = 'FlatCostIndexes1766300000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await createIndexOnline(queryRunner, 'grants_client_page_idx', 'ON grants (client_ref, created_at, id)');
    await dropIndexOnline(queryRunner, 'grants_client_idx');
    await createIndexOnline(queryRunner, 'grants_user_page_idx', 'ON grants (user_id, created_at, id) WHERE user_id IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexOnline(queryRunner, 'grants_user_page_idx');
    await createIndexOnline(queryRunner, 'grants_client_idx', 'ON grants (client_ref, created_at)');
    await dropIndexOnline(queryRunner, 'grants_client_page_idx');
  }
}
