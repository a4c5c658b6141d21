import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requestContextStoreActive, requestContextStoreEntries } from '#observability';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, pkcePair } from '../support/authorize-flow.helpers.js';
import { basic, postForm, sql } from '../support/token-fixtures.js';
import type { AuditEvent } from '../../src/audit/audit-event.js';

const REDIRECT_URI = 'https://app.example.com/callback';
const USER = { username: 'hand-user', password: 'hand-user-password-3e4f' };

/**
 * The token and introspection endpoints never enter the request-context store (its async hooks
 * cost the token path ~15% on Node 20): they hand the request's id and ip to what they store and
 * audit. Every row they write must still carry both, and only the grants that run inside the
 * store (password, device code, token exchange) may enter it.
 */
describe('the token and introspection endpoints pass the request context by hand', () => {
  let server: RunningAuthServer;
  let client = { clientId: '', clientSecret: '' };

  beforeAll(async () => {
    server = await startTestAuthServer();
    const admin = { authorization: server.adminAuthorization };
    expect((await server.request('/admin/v1/scopes', { method: 'POST', headers: admin, json: { name: 'read', description: '' } })).status).toBe(201);
    const created = await server.request('/admin/v1/clients', {
      method: 'POST',
      headers: admin,
      json: { name: 'By Hand', version: '1.0', type: 'confidential', redirectUris: [REDIRECT_URI], grants: ['authorization_code', 'password', 'client_credentials'], refreshCount: { mode: 'unlimited' } },
    });
    expect(created.status).toBe(201);
    client = (await created.json()) as typeof client;
    expect((await server.request(`/admin/v1/clients/${client.clientId}/scopes/read`, { method: 'PUT', headers: admin })).status).toBe(204);
    expect((await server.request('/admin/v1/users', { method: 'POST', headers: admin, json: { ...USER, permissions: [] } })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  const token = (requestId: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(server, '/oauth/token', form, { authorization: basic(client.clientId, client.clientSecret), 'x-request-id': requestId, ...headers });

  async function eventsOf(requestId: string): Promise<AuditEvent[]> {
    const response = await server.request('/admin/v1/audit?limit=200', { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: AuditEvent[] }).items.filter((event) => event.requestId === requestId);
  }

  /** A code for the user at this client, through the login and consent pages (which run inside the store). */
  async function freshCode(): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT_URI, scope: 'read', state: 'st', code_challenge: challenge, code_challenge_method: 'S256' });
    const flow = await authorizeThroughPages(server, path, USER);
    return { code: codeFrom(flow.location, REDIRECT_URI, 'st'), verifier };
  }

  /** Runs `requests` and says how many requests entered the store meanwhile. */
  async function storeEntriesDuring(requests: () => Promise<void>): Promise<number> {
    const before = requestContextStoreEntries();
    await requests();
    return requestContextStoreEntries() - before;
  }

  it('issues, introspects and refuses without entering the store, and still attributes every row', async () => {
    let accessToken = '';
    const entries = await storeEntriesDuring(async () => {
      const issued = await token('hand-cc', { grant_type: 'client_credentials', scope: 'read' });
      expect(issued.status).toBe(200);
      accessToken = ((await issued.json()) as { access_token: string }).access_token;
      const introspected = await postForm(server, '/oauth/introspect', { token: accessToken }, { authorization: basic(client.clientId, client.clientSecret), 'x-request-id': 'hand-introspect' });
      expect(((await introspected.json()) as { active: boolean }).active).toBe(true);
      const wrongAtIntrospection = await postForm(server, '/oauth/introspect', { token: accessToken }, { authorization: basic(client.clientId, 'wrong-secret'), 'x-request-id': 'hand-introspect-refused' });
      expect(wrongAtIntrospection.status).toBe(401);
      const wrongAtToken = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'wrong-secret'), 'x-request-id': 'hand-token-refused' });
      expect(wrongAtToken.status).toBe(401);
      expect((await token('hand-dpop-refused', { grant_type: 'client_credentials' }, { dpop: 'not-a-proof' })).status).toBe(400);
    });
    expect(entries).toBe(0);

    expect(await sql(server, 'SELECT request_id, request_ip FROM grants WHERE request_id = $1', ['hand-cc'])).toEqual([{ request_id: 'hand-cc', request_ip: '127.0.0.1' }]);
    for (const [requestId, action] of [
      ['hand-introspect-refused', 'client_authentication.failed'],
      ['hand-token-refused', 'client_authentication.failed'],
      ['hand-dpop-refused', 'token.dpop_refused'],
    ]) {
      expect((await eventsOf(requestId)).map((event) => [event.action, event.ip])).toEqual([[action, '127.0.0.1']]);
    }
  });

  it('exchanges, refreshes and catches a replayed refresh token without entering the store', async () => {
    const { code, verifier } = await freshCode();
    const entries = await storeEntriesDuring(async () => {
      const exchanged = await token('hand-code', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
      expect(exchanged.status).toBe(200);
      const { refresh_token: first } = (await exchanged.json()) as { refresh_token: string };
      expect((await token('hand-refresh', { grant_type: 'refresh_token', refresh_token: first })).status).toBe(200);
      expect((await token('hand-refresh-replay', { grant_type: 'refresh_token', refresh_token: first })).status).toBe(400);
    });
    expect(entries).toBe(0);

    expect((await eventsOf('hand-code')).map((event) => [event.action, event.actor, event.ip])).toEqual([['token.issued', USER.username, '127.0.0.1']]);
    expect((await eventsOf('hand-refresh')).map((event) => event.action)).toEqual(['token.refreshed']);
    expect((await eventsOf('hand-refresh-replay')).map((event) => event.action).sort()).toEqual(['token.reuse_detected', 'token.revoked']);
  });

  it('catches a replayed authorization code without entering the store', async () => {
    const { code, verifier } = await freshCode();
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
    const entries = await storeEntriesDuring(async () => {
      expect((await token('hand-code-2', form)).status).toBe(200);
      expect((await token('hand-code-replay', form)).status).toBe(400);
    });
    expect(entries).toBe(0);
    expect((await eventsOf('hand-code-replay')).map((event) => [event.action, event.ip])).toEqual([['token.reuse_detected', '127.0.0.1']]);
  });

  it('runs a grant that reads the store inside it, and leaves it when the request is over', async () => {
    const entries = await storeEntriesDuring(async () => {
      expect((await token('hand-password-refused', { grant_type: 'password', username: USER.username, password: 'wrong-password-1a2b' })).status).toBe(400);
    });
    expect(entries).toBe(1);
    expect((await eventsOf('hand-password-refused')).map((event) => [event.action, event.ip])).toEqual([['login.failed', '127.0.0.1']]);
    expect(requestContextStoreActive()).toBe(false);
  });
});
