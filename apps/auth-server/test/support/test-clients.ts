import type { RunningAuthServer } from './auth-server-harness.js';

/** A client registered through the admin API, with its secret (the stack and outage suites' clients). */
export interface StackClient {
  clientId: string;
  clientSecret: string;
}

async function adminCall(as: RunningAuthServer, method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await as.request(path, { method, json, headers: { authorization: as.adminAuthorization } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Admin calls that a test expects to succeed; any other status throws with the body. */
export async function adminOk<T = unknown>(as: RunningAuthServer, method: string, path: string, json?: unknown): Promise<T> {
  const { status, body } = await adminCall(as, method, path, json);
  if (status < 200 || status > 299) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
  return body as T;
}

/** A confidential client_credentials client, created through the admin API, with `scopes` created and associated. */
export async function createStackClient(as: RunningAuthServer, name: string, scopes: string[] = []): Promise<StackClient> {
  const client = await adminOk<StackClient>(as, 'POST', '/admin/v1/clients', { name, version: '1.0', type: 'confidential', redirectUris: [], grants: ['client_credentials'] });
  for (const scope of scopes) {
    const exists = await adminCall(as, 'GET', `/admin/v1/scopes/${encodeURIComponent(scope)}`);
    if (exists.status === 404) await adminOk(as, 'POST', '/admin/v1/scopes', { name: scope, description: scope });
    await adminOk(as, 'PUT', `/admin/v1/clients/${encodeURIComponent(client.clientId)}/scopes/${encodeURIComponent(scope)}`);
  }
  return client;
}

/** POST /oauth/token with client_credentials and HTTP Basic; throws unless 200. */
export async function clientCredentialsToken(as: RunningAuthServer, client: StackClient, scope?: string): Promise<string> {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  const response = await as.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.clientSecret)}`).toString('base64')}` },
    body: body.toString(),
  });
  const json = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !json.access_token) throw new Error(`token request answered ${response.status}: ${JSON.stringify(json)}`);
  return json.access_token;
}

/** The grant id (`gid`) of one of our access tokens: the id DELETE /admin/v1/tokens/{id} takes. */
export function grantIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { gid: string }).gid;
}
