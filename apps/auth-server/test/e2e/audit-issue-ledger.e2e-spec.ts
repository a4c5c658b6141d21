import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsExclusively } from '#database';
import { createTestDatabase } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { GrantsAsIssueLedger1763800000300 } from '../../src/database/migrations/1763800000300-grants-as-issue-ledger.js';
import { authServerMigrations } from '../../src/database/migrations/index.js';
import { basic, clientCredentials, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import type { Page } from '../../src/common/pagination.js';

type AuditItem = AuditEvent;
type AuditPage = Page<AuditEvent>;

const USER = { username: 'ledger-user', password: 'ledger-password-7c6b5a' };

/** The grants table as the record of token.issued (migration 1763800000300), read by the audit API. */
describe('token.issued events kept in the grants rows', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { grants: ['client_credentials', 'password'] });
    await createUser(server, USER.username, USER.password);
  });
  afterAll(async () => {
    await server.close();
  });

  async function audit(query = ''): Promise<AuditPage> {
    const response = await server.request(`/admin/v1/audit${query}`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    return (await response.json()) as AuditPage;
  }

  async function issueWithRequestId(requestId: string, form: Record<string, string> = { grant_type: 'client_credentials', scope: 'read' }): Promise<string> {
    const response = await postForm(server, '/oauth/token', form, { authorization: basic(client.clientId, client.secret), 'x-request-id': requestId });
    expect(response.status).toBe(200);
    const [grant] = await sql<{ id: string }>(server, 'SELECT id FROM grants WHERE request_id = $1', [requestId]);
    return grant.id;
  }

  it('lists an issued token as token.issued with its request id and ip, and writes no audit_events row for it', async () => {
    const grantId = await issueWithRequestId('ledger-issue-1');
    const { items } = await audit(`?targetId=${grantId}`);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actor: client.clientId,
      actorType: 'client',
      action: 'token.issued',
      targetType: 'grant',
      targetId: grantId,
      details: { clientId: client.clientId, grantType: 'client_credentials', scopes: ['read'], withRefreshToken: false },
      ip: '127.0.0.1',
      requestId: 'ledger-issue-1',
    });
    expect(items[0].id).toMatch(/^\d+$/);
    expect(await sql(server, "SELECT count(*)::int AS n FROM audit_events WHERE action = 'token.issued'")).toEqual([{ n: 0 }]);
  });

  it('attributes a password grant to the user', async () => {
    const grantId = await issueWithRequestId('ledger-password-1', { grant_type: 'password', ...USER });
    const [event] = (await audit(`?targetId=${grantId}`)).items;
    expect(event).toMatchObject({ actor: USER.username, actorType: 'user', details: { grantType: 'password', withRefreshToken: false } });
    expect((await audit(`?actor=${USER.username}&action=token.issued`)).items.map((item) => item.targetId)).toEqual([grantId]);
  });

  it('pages newest first across admin events and issued tokens, each event once', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await clientCredentials(server, client, { scope: 'read' })).status).toBe(200);
      const scope = await server.request('/admin/v1/scopes', {
        method: 'POST',
        headers: { authorization: server.adminAuthorization },
        json: { name: `ledger-${i}`, description: '' },
      });
      expect(scope.status).toBe(201);
    }
    const all = (await audit('?limit=200')).items;
    expect(new Set(all.map((item) => item.action))).toEqual(new Set(['scope.created', 'token.issued', 'login.succeeded', 'user.created']));
    const paged: AuditItem[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: AuditPage = await audit(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(paged.map((item) => item.id)).toEqual(all.map((item) => item.id));
    expect(new Set(all.map((item) => item.id)).size).toBe(all.length);
    const order = all.map((item) => [item.occurredAt, BigInt(item.id)] as const);
    expect(order.every(([time, id], i) => i === 0 || time < order[i - 1][0] || (time === order[i - 1][0] && id < order[i - 1][1]))).toBe(true);
  });

  it('filters issued tokens by action, actor, target and time like any event', async () => {
    const issuedCount = Number((await sql<{ n: string }>(server, 'SELECT count(*) AS n FROM grants'))[0].n);
    expect((await audit('?action=token.issued&limit=200')).items).toHaveLength(issuedCount);
    expect((await audit('?action=scope.created&limit=200')).items.map((item) => item.targetId).sort()).toEqual(['ledger-0', 'ledger-1', 'ledger-2']);
    const byClient = (await audit(`?actor=${client.clientId}&limit=200`)).items;
    expect(byClient).toHaveLength(issuedCount - 1); // every grant but the password grant's
    expect(byClient.every((item) => item.actor === client.clientId && item.action === 'token.issued')).toBe(true);
    expect((await audit('?targetId=not-a-uuid')).items).toEqual([]);
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect((await audit(`?since=${future}`)).items).toEqual([]);
    expect((await audit(`?until=${future}&action=token.issued&limit=200`)).items).toHaveLength(issuedCount);
  });

  it('keeps the events of a deleted client: its grants go, their token.issued events stay the same', async () => {
    const doomed = await createClient(server);
    const response = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(doomed.clientId, doomed.secret), 'x-request-id': 'ledger-doomed-1' },
    );
    expect(response.status).toBe(200);
    const before = (await audit(`?actor=${doomed.clientId}`)).items;
    expect(before).toHaveLength(1);
    const deleted = await server.request(`/admin/v1/clients/${doomed.clientId}`, { method: 'DELETE', headers: { authorization: server.adminAuthorization } });
    expect(deleted.status).toBe(204);
    expect(await sql(server, 'SELECT count(*)::int AS n FROM grants WHERE client_id = $1', [doomed.clientId])).toEqual([{ n: 0 }]);
    expect((await audit(`?actor=${doomed.clientId}`)).items).toEqual(before);
    expect((await audit(`?targetId=${before[0].targetId}`)).items).toEqual(before);
  });
  it('orders events of one instant by their numeric id, across a power of ten, and pages through them without a skip', async () => {
    // A multi-row grant INSERT gives every token of the batch one created_at: ties on the instant
    // are common, and the trail's id is text once selected, where '9999999' sorts above '10000000'.
    const ids = [9_999_998, 9_999_999, 10_000_000, 10_000_001];
    await sql(
      server,
      `INSERT INTO audit_events (id, occurred_at, actor_type, action) OVERRIDING SYSTEM VALUE
       SELECT i, '2100-01-01T00:00:00Z', 'anonymous', 'login.failed' FROM unnest($1::bigint[]) i`,
      [ids],
    );
    try {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < ids.length; page++) {
        const answer: AuditPage = await audit(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(answer.items[0].id);
        cursor = answer.nextCursor;
      }
      expect(seen).toEqual(['10000001', '10000000', '9999999', '9999998']);
    } finally {
      await sql(server, `DELETE FROM audit_events WHERE id = ANY($1::bigint[])`, [ids]);
    }
  });
});

describe('migration 1763800000300 on a database with earlier token.issued rows', () => {
  it('moves each grant’s token.issued row into the grant, keeping its id, ip and request id', async () => {
    const database = await createTestDatabase();
    const connect = (count: number) =>
      new DataSource(
        dataSourceOptions({ url: database.url, entities: [], migrations: authServerMigrations.slice(0, count), embedded: !database.real }),
      ).initialize();
    // The migrations up to, and then including, 1763800000300 (later ones may follow it).
    const ledger = authServerMigrations.indexOf(GrantsAsIssueLedger1763800000300);
    try {
      const before = await connect(ledger);
      await runMigrationsExclusively(before);
      const [clientRow] = await before.query<{ id: string }[]>(
        `INSERT INTO clients (client_id, name, version, type, redirect_uris, grants) VALUES ('old-client', 'Old', '1', 'public', '[]', '["client_credentials"]') RETURNING id`,
      );
      const grants = await before.query<{ id: string }[]>(
        `INSERT INTO grants (client_ref, client_id, grant_type) VALUES ($1, 'old-client', 'client_credentials'), ($1, 'old-client', 'client_credentials') RETURNING id`,
        [clientRow.id],
      );
      const [adopted] = await before.query<{ id: string }[]>(
        `INSERT INTO audit_events (occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id)
         VALUES (now(), 'old-client', 'client', 'token.issued', 'grant', $1, '{}', '10.0.0.7', 'old-request') RETURNING id::text AS id`,
        [grants[0].id],
      );
      await before.query(`INSERT INTO audit_events (occurred_at, actor_type, action) VALUES (now(), 'anonymous', 'login.failed')`);
      await before.destroy();

      const after = await connect(ledger + 1);
      await runMigrationsExclusively(after);
      const rows = await after.query<{ id: string; audit_id: string; request_ip: string | null; request_id: string | null }[]>(
        'SELECT id, audit_id::text AS audit_id, request_ip, request_id FROM grants ORDER BY audit_id',
      );
      expect(rows.find((row) => row.id === grants[0].id)).toMatchObject({ audit_id: adopted.id, request_ip: '10.0.0.7', request_id: 'old-request' });
      expect(rows.find((row) => row.id === grants[1].id)?.audit_id).toMatch(/^\d+$/);
      expect(await after.query(`SELECT action FROM audit_events ORDER BY id`)).toEqual([{ action: 'login.failed' }]);
      await after.destroy();
    } finally {
      await database.drop();
    }
  }, 60_000);

});
