import { expect } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { ClientType, GrantType } from '#oauth';
import type { RunningAuthServer } from './auth-server-harness.js';

/** A client as the admin API answers it, with its secret when confidential. */
export interface TestClient {
  clientId: string;
  clientSecret?: string;
  name: string;
  version: string;
  redirectUris: string[];
}

export interface ClientSpec {
  type?: ClientType;
  grants?: GrantType[];
  redirectUris?: string[];
  scopes?: string[];
  refreshCount?: { mode: 'unlimited' } | { mode: 'limited'; limit: number };
  name?: string;
  idTokenSignedResponseAlg?: 'RS256' | 'ES256';
}

let clientCounter = 0;

async function admin(server: RunningAuthServer, method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Creates a client through the admin API, its scopes too, and associates them. */
export async function createTestClient(server: RunningAuthServer, spec: ClientSpec = {}): Promise<TestClient> {
  clientCounter += 1;
  const type = spec.type ?? 'confidential';
  const created = await admin(server, 'POST', '/admin/v1/clients', {
    name: spec.name ?? `Test App ${clientCounter}`,
    version: '1.0',
    type,
    redirectUris: spec.redirectUris ?? ['https://app.example.com/callback'],
    grants: spec.grants ?? (type === 'public' ? ['authorization_code'] : ['authorization_code']),
    refreshCount: spec.refreshCount ?? { mode: 'limited', limit: 0 },
    ...(spec.idTokenSignedResponseAlg ? { idTokenSignedResponseAlg: spec.idTokenSignedResponseAlg } : {}),
  });
  expect(created.status).toBe(201);
  for (const scope of spec.scopes ?? []) {
    const made = await admin(server, 'POST', '/admin/v1/scopes', { name: scope, description: '' });
    expect([201, 409]).toContain(made.status);
    const associated = await admin(server, 'PUT', `/admin/v1/clients/${(created.body as TestClient).clientId}/scopes/${encodeURIComponent(scope)}`);
    expect(associated.status).toBe(204);
  }
  return created.body as TestClient;
}

export async function patchClient(server: RunningAuthServer, clientId: string, changes: Record<string, unknown>): Promise<void> {
  const { status } = await admin(server, 'PATCH', `/admin/v1/clients/${clientId}`, changes);
  expect(status).toBe(200);
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A query string from ordered pairs (repeated names allowed), as a browser would send it. */
export function authorizePath(params: Record<string, string> | [string, string][]): string {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  return `/oauth/authorize?${new URLSearchParams(pairs).toString()}`;
}

export function csrfOf(html: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in the page: ${html.slice(0, 300)}`);
  return match[1];
}

/** A cookie jar over fetch with manual redirects: just enough browser for the pages. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly server: RunningAuthServer) {}

  async get(path: string): Promise<Response> {
    return this.remember(await this.server.request(path, { headers: this.cookieHeader() }));
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(
      await this.server.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private remember(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

export interface FlowResult {
  /** The Location of the final 303. */
  location: string;
  browser: TestBrowser;
}

/** Opens the authorize URL, signs in as `user` and answers the consent page. */
export async function authorizeThroughPages(
  server: RunningAuthServer,
  path: string,
  user: { username: string; password: string },
  decision: 'allow' | 'deny' = 'allow',
): Promise<FlowResult> {
  const browser = new TestBrowser(server);
  const loginPage = await browser.get(path);
  expect(loginPage.status).toBe(200);
  const loggedIn = await browser.post('/oauth/authorize/login', { csrf_token: csrfOf(await loginPage.text()), ...user });
  expect(loggedIn.status).toBe(303);
  // A consent this user gave this client before is remembered: no consent page then.
  if (decision === 'allow' && loggedIn.headers.get('location') !== '/oauth/authorize/consent') return { location: loggedIn.headers.get('location') ?? '', browser };
  expect(loggedIn.headers.get('location')).toBe('/oauth/authorize/consent');
  const consentPage = await browser.get('/oauth/authorize/consent');
  expect(consentPage.status).toBe(200);
  const decided = await browser.post('/oauth/authorize/consent', { csrf_token: csrfOf(await consentPage.text()), decision });
  expect(decided.status).toBe(303);
  return { location: decided.headers.get('location') ?? '', browser };
}

/** The code from a code-flow redirect, after checking where it went. */
export function codeFrom(location: string, redirectUri: string, state?: string): string {
  const url = new URL(location);
  expect(`${url.origin}${url.pathname}`).toBe(redirectUri);
  if (state !== undefined) expect(url.searchParams.get('state')).toBe(state);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

/** A token endpoint answer: RFC 6749 §5.1 on success, §5.2 on error. */
export interface TokenResult {
  status: number;
  body: { access_token?: string; token_type?: string; expires_in?: number; refresh_token?: string; scope?: string; error?: string; error_description?: string };
}

export async function tokenRequest(server: RunningAuthServer, form: Record<string, string>, client?: { clientId: string; clientSecret?: string }): Promise<TokenResult> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const fields = { ...form };
  if (client?.clientSecret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
  else if (client) fields.client_id = client.clientId;
  const response = await server.request('/oauth/token', { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  return { status: response.status, body: (await response.json()) as TokenResult['body'] };
}

/** The exact redirect of an authorize error (code flow: query; implicit: fragment). */
export function errorRedirect(issuer: string, redirectUri: string, error: string, description: string, state?: string, mode: 'query' | 'fragment' = 'query'): string {
  const params = [`error=${encodeURIComponent(error)}`, `error_description=${encodeURIComponent(description)}`];
  if (state !== undefined) params.push(`state=${encodeURIComponent(state)}`);
  // RFC 9207: every authorization response names the issuer.
  params.push(`iss=${encodeURIComponent(issuer)}`);
  return `${redirectUri}${mode === 'query' ? '?' : '#'}${params.join('&')}`;
}

/** A code-flow callback from oauth4webapi's side: PKCE, the pages answered as `user`, the redirect validated (state not used). */
export async function oauth4webapiCallback(
  server: RunningAuthServer,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  redirectUri: string,
  scope: string,
  user: { username: string; password: string },
  extra: Record<string, string> = {},
): Promise<{ callback: URLSearchParams; verifier: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, user);
  return { callback: oauth.validateAuthResponse(as, client, new URL(location), oauth.skipStateCheck), verifier };
}
