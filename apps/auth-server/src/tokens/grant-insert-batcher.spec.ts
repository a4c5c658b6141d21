import { describe, expect, it } from '@jest/globals';
import type { NewGrant } from './grant.js';
import { GrantInsertBatcher } from './grant-insert-batcher.js';
import { ClientNoLongerActive, UserNoLongerActive } from './token-issuance.js';

/** The grants columns a row fills (one parameter each). */
const COLUMNS = 18;
/** What the database answers when every row's client is active: RETURNING id of each row. */
const written = (parameters: unknown[]) => parameters.filter((_, index) => index % COLUMNS === 0).map((id) => ({ id }));

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
  requestIp: null,
  requestId: null,
  authTime: null,
  resources: [],
  refreshJkt: null,
});

describe('GrantInsertBatcher', () => {
  it('sends concurrent rows as one multi-row INSERT and settles each caller after it', async () => {
    const statements: { name: string; sql: string; parameters: unknown[] }[] = [];
    const batcher = new GrantInsertBatcher(async ({ name, text }, parameters) => (statements.push({ name, sql: text, parameters }), written(parameters)), 1);
    await Promise.all(['a', 'b', 'c'].map((id) => batcher.insert(grant(id))));
    expect(statements).toHaveLength(1);
    expect(statements[0].parameters.filter((value) => typeof value === 'string' && value.length === 1 && value !== 'c')).toEqual(['a', 'b']);
    expect(statements[0].sql).toContain(`($${2 * COLUMNS + 1}::uuid, $${2 * COLUMNS + 2}::uuid`);
    expect(statements[0].sql).not.toContain(`$${3 * COLUMNS + 1}`);
    expect(statements[0].sql).toMatch(/WHERE c\.active AND \(v\.user_id IS NULL OR EXISTS \(SELECT 1 FROM users u WHERE u\.id = v\.user_id AND u\.active FOR SHARE\)\)\s+FOR SHARE OF c RETURNING id$/);
    expect(statements[0].name).toBe('portcullis_grants_insert_active_3');
  });

  it('names each row count once, so the same shape reuses one prepared statement', async () => {
    const statements: { name: string; text: string }[] = [];
    const batcher = new GrantInsertBatcher(async (statement, parameters) => (statements.push(statement), written(parameters)), 1);
    await batcher.insert(grant('a'));
    await batcher.insert(grant('b'));
    await Promise.all(['c', 'd'].map((id) => batcher.insert(grant(id))));
    expect(statements.map((statement) => statement.name)).toEqual([
      'portcullis_grants_insert_active_1',
      'portcullis_grants_insert_active_1',
      'portcullis_grants_insert_active_2',
    ]);
    expect(statements[0]).toBe(statements[1]);
  });

  it('retries a failed batch row by row, so only the bad row fails', async () => {
    const batcher = new GrantInsertBatcher(async (_statement, parameters) => {
      if (parameters.includes('bad')) throw new Error('check violation');
      return written(parameters);
    }, 1);
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((id) => batcher.insert(grant(id))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails only the rows the statement refused (client no longer active) with ClientNoLongerActive', async () => {
    const batcher = new GrantInsertBatcher(async (_statement, parameters) => written(parameters).filter((row) => row.id !== 'b'), 1);
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((id) => batcher.insert(grant(id))));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ClientNoLongerActive);
  });

  it("tells a refused user grant's reason apart: UserNoLongerActive while its client is active, ClientNoLongerActive otherwise", async () => {
    let clientActive = true;
    const batcher = new GrantInsertBatcher(async ({ name }, parameters) => {
      if (name === 'portcullis_grant_refusal_reason') return [{ client_active: clientActive }];
      return written(parameters).filter((row) => row.id !== 'b');
    }, 1);
    const userGrant = (id: string): NewGrant => ({ ...grant(id), userId: 'u', username: 'alice', grantType: 'password' });
    await expect(batcher.insert(userGrant('b'))).rejects.toBeInstanceOf(UserNoLongerActive);
    clientActive = false;
    await expect(batcher.insert(userGrant('b'))).rejects.toBeInstanceOf(ClientNoLongerActive);
  });
});
