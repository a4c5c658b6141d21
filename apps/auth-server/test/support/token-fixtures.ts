import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ClientType, GrantType } from '#oauth';
import type { RunningAuthServer } from './auth-server-harness.js';
import { hashClientSecret } from '../../src/clients/client-secret.js';

/** Fixtures for the token-side e2e specs: clients and scopes are written with SQL on purpose. */
export interface TestClient {
  id: string;
  clientId: string;
  secret: string;
}

export interface ClientOptions {
  type?: ClientType;
  grants?: GrantType[];
  scopes?: string[];
  active?: boolean;
  lifetime?: { mode: 'global' } | { mode: 'never' } | { mode: 'seconds'; seconds: number };
  refreshCount?: { mode: 'unlimited' } | { mode: 'limited'; limit: number };
  /** May introspect every token (RFC 7662), not only its own. */
  introspection?: boolean;
}

export function sql<T = unknown>(server: RunningAuthServer, query: string, params: unknown[] = []): Promise<T[]> {
  return server.app.get(DataSource).query(query, params);
}

export async function createScopes(server: RunningAuthServer, names: string[]): Promise<void> {
  for (const name of names) await sql(server, 'INSERT INTO scopes (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
}

export async function createClient(server: RunningAuthServer, options: ClientOptions = {}): Promise<TestClient> {
  const type = options.type ?? 'confidential';
  const clientId = `client-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const lifetime = options.lifetime ?? { mode: 'global' };
  const refresh = options.refreshCount ?? { mode: 'limited', limit: 5 };
  const [row] = await sql<{ id: string }>(
    server,
    `INSERT INTO clients (client_id, name, version, type, secret_hash, redirect_uris, grants, access_token_lifetime_mode, access_token_lifetime_seconds,
       refresh_count_mode, refresh_count_limit, active, introspection)
     VALUES ($1, $1, '1', $2, $3, '["https://app.example/cb"]', $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      clientId,
      type,
      type === 'confidential' ? hashClientSecret(secret) : null,
      JSON.stringify(options.grants ?? ['client_credentials']),
      lifetime.mode,
      lifetime.mode === 'seconds' ? lifetime.seconds : null,
      refresh.mode,
      refresh.mode === 'limited' ? refresh.limit : null,
      options.active ?? true,
      options.introspection ?? false,
    ],
  );
  const scopes = options.scopes ?? ['read', 'write'];
  await createScopes(server, scopes);
  for (const scope of scopes) await sql(server, 'INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, $2)', [row.id, scope]);
  return { id: row.id, clientId, secret };
}

export async function createUser(server: RunningAuthServer, username: string, password: string, permissions: string[] = []): Promise<{ id: string }> {
  const response = await server.request('/admin/v1/users', {
    method: 'POST',
    headers: { authorization: server.adminAuthorization },
    json: { username, password, permissions },
  });
  if (response.status !== 201) throw new Error(`user creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** RFC 6749 §2.3.1: both halves form-urlencoded, then Basic. */
export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export function postForm(
  server: RunningAuthServer,
  path: string,
  params: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) body.append(name, one);
  return server.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() });
}

export function clientCredentials(server: RunningAuthServer, client: TestClient, extra: Record<string, string> = {}): Promise<Response> {
  return postForm(server, '/oauth/token', { grant_type: 'client_credentials', ...extra }, { authorization: basic(client.clientId, client.secret) });
}

export async function accessTokenFor(server: RunningAuthServer, client: TestClient, extra: Record<string, string> = {}): Promise<string> {
  const response = await clientCredentials(server, client, extra);
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
