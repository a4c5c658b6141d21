import { describe, expect, it } from '@jest/globals';
import type { NewGrant } from './grant.js';
import { GrantInsertBatcher } from './grant-insert-batcher.js';

const grant = (id: string): NewGrant => ({
  id,
  clientRef: 'c',
  clientId: 'c',
  userId: null,
  username: null,
  grantType: 'client_credentials',
  scopes: [],
  issuedAt: new Date(0),
  accessExpiresAt: null,
  refreshTokenHash: null,
  refreshRemaining: null,
  refreshUnlimited: false,
  authorizationCodeHash: null,
});

describe('GrantInsertBatcher', () => {
  it('sends concurrent rows as one multi-row INSERT and settles each caller after it', async () => {
    const statements: { sql: string; parameters: unknown[] }[] = [];
    const batcher = new GrantInsertBatcher(async (sql, parameters) => void statements.push({ sql, parameters }), 1);
    await Promise.all(['a', 'b', 'c'].map((id) => batcher.insert(grant(id))));
    expect(statements).toHaveLength(1);
    expect(statements[0].parameters.filter((value) => typeof value === 'string' && value.length === 1 && value !== 'c')).toEqual(['a', 'b']);
    expect(statements[0].sql).toContain('($27, $28');
  });

  it('retries a failed batch row by row, so only the bad row fails', async () => {
    const batcher = new GrantInsertBatcher(async (sql, parameters) => {
      if (parameters.includes('bad')) throw new Error('fk violation');
    }, 1);
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((id) => batcher.insert(grant(id))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
