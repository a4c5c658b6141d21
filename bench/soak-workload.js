// The soak's mixed workload (bench/soak.js): every request goes through `call`, which records its
// operation, status and start/end time, so that the checks can tell which ones fell inside an
// injected outage. Plain fetch over loopback; no request is retried.
import { randomBytes } from 'node:crypto';

export const REDIRECT_URI = 'https://soak.example/cb';
export const BASE_SCOPE = 'soak.read';
const MAX_TOKENS = 300;
const MAX_REFRESH = 50;
const MAX_CHURN_CLIENTS = 200;
const MAX_SCOPES = 30;

/** Operation weights: protected calls dominate, as they do in production. */
const WEIGHTS = { protected: 6, client_credentials: 3, introspection: 2, refresh: 2, login: 1, admin: 1 };

export const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const form = (fields) => new URLSearchParams(fields).toString();
const pick = (items) => items[Math.floor(Math.random() * items.length)];
const gidOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).gid;

export class Recorder {
  constructor(t0) {
    this.t0 = t0;
    this.records = [];
  }

  /** One request; network failures are recorded as status 0. Resolves to the Response or null. */
  async call(op, url, init = {}) {
    const start = performance.now() - this.t0;
    let status = 0;
    let response = null;
    let body = '';
    try {
      response = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(15_000) });
      status = response.status;
      body = await response.text();
    } catch {
      response = null;
    }
    this.records.push({ op, status, start, end: performance.now() - this.t0 });
    return response && { status, headers: response.headers, text: body, json: () => JSON.parse(body) };
  }
}

/**
 * The workload against one auth server and several resource servers. `state` holds what the
 * workers share: clients (fixed ones for the flows, churned ones for admin changes), scopes and
 * pools of live tokens.
 */
export class Workload {
  constructor({ recorder, auth, replicas, adminAuthorization, resourceClient, user }) {
    Object.assign(this, { recorder, auth, replicas, adminAuthorization, resourceClient, user });
    this.state = { codeClient: null, ccClients: [], churn: [], scopes: [BASE_SCOPE], tokens: [], refresh: [] };
    this.counts = {};
    const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
    let acc = 0;
    this.table = Object.entries(WEIGHTS).map(([op, weight]) => [op, (acc += weight / total)]);
  }

  admin(method, path, json) {
    const headers = { authorization: this.adminAuthorization };
    if (json !== undefined) headers['content-type'] = 'application/json';
    return this.recorder.call('admin', `${this.auth}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  }

  /** Setup through the admin API before the clock starts; throws unless it all succeeds. */
  async setup() {
    const ok = async (promise, what) => {
      const response = await promise;
      if (!response || response.status >= 300) throw new Error(`setup: ${what} answered ${response?.status}: ${response?.text}`);
      return response;
    };
    await ok(this.admin('POST', '/admin/v1/scopes', { name: BASE_SCOPE, description: 'soak' }), 'scope');
    const code = await ok(
      this.admin('POST', '/admin/v1/clients', {
        name: 'Soak Code Flow',
        version: '1.0',
        type: 'confidential',
        redirectUris: [REDIRECT_URI],
        grants: ['authorization_code'],
        refreshCount: { mode: 'unlimited' },
      }),
      'code client',
    );
    this.state.codeClient = code.json();
    await ok(this.admin('PUT', `/admin/v1/clients/${this.state.codeClient.clientId}/scopes/${BASE_SCOPE}`), 'code client scope');
    for (let i = 0; i < 10; i++) this.state.ccClients.push(await this.createCcClient(`Soak Fixed ${i}`, ok));
    await ok(this.admin('POST', '/admin/v1/users', { username: this.user.username, password: this.user.password, permissions: [] }), 'user');
  }

  async createCcClient(name, ok = async (promise) => promise) {
    const created = await ok(
      this.admin('POST', '/admin/v1/clients', { name, version: '1.0', type: 'confidential', redirectUris: [], grants: ['client_credentials'] }),
      'client',
    );
    if (!created || created.status !== 201) return null;
    const { clientId, clientSecret } = created.json();
    await ok(this.admin('PUT', `/admin/v1/clients/${clientId}/scopes/${BASE_SCOPE}`), 'client scope');
    return { clientId, secret: clientSecret, active: true };
  }

  /** Runs `concurrency` workers until `deadline` (ms on the recorder clock) or `maxRequests`. */
  async run(concurrency, deadline, maxRequests) {
    const worker = async () => {
      while (performance.now() - this.recorder.t0 < deadline && this.recorder.records.length < maxRequests) {
        const roll = Math.random();
        const op = this.table.find(([, edge]) => roll <= edge)[0];
        this.counts[op] = (this.counts[op] ?? 0) + 1;
        await this[`op_${op}`]();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  token(grant, auth, fields, op = grant) {
    return this.recorder.call(op, `${this.auth}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
      body: form({ grant_type: grant, ...fields }),
    });
  }

  keep(pool, item, max) {
    pool.push(item);
    if (pool.length > max) pool.splice(Math.floor(Math.random() * pool.length), 1);
  }

  async op_client_credentials() {
    const client = pick([...this.state.ccClients, ...this.state.churn]);
    const response = await this.token('client_credentials', basic(client.clientId, client.secret), {});
    if (response?.status === 200) this.keep(this.state.tokens, response.json().access_token, MAX_TOKENS);
  }

  async op_protected() {
    const token = pick(this.state.tokens);
    if (!token) return this.op_client_credentials();
    await this.recorder.call('protected', `${pick(this.replicas)}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  }

  async op_introspection() {
    const token = pick(this.state.tokens);
    if (!token) return this.op_client_credentials();
    await this.recorder.call('introspection', `${this.auth}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(this.resourceClient.clientId, this.resourceClient.clientSecret) },
      body: form({ token }),
    });
  }

  async op_refresh() {
    // Taken out of the pool: two workers never present one refresh token (that is reuse, and revokes the grant).
    const refreshToken = this.state.refresh.pop();
    if (!refreshToken) return this.op_login();
    const client = this.state.codeClient;
    const response = await this.token('refresh_token', basic(client.clientId, client.clientSecret), { refresh_token: refreshToken }, 'refresh');
    if (response?.status === 200) this.adopt(response.json());
  }

  adopt(body) {
    this.keep(this.state.tokens, body.access_token, MAX_TOKENS);
    if (body.refresh_token) this.keep(this.state.refresh, body.refresh_token, MAX_REFRESH);
  }

  /** The browser side of the code flow (login page, login, consent), then the code exchange. */
  async op_login() {
    const client = this.state.codeClient;
    const cookies = new Map();
    const page = async (method, path, fields) => {
      const headers = {};
      if (cookies.size) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      if (fields) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await this.recorder.call('login', `${this.auth}${path}`, { method, headers, body: fields ? form(fields) : undefined });
      for (const line of response?.headers.getSetCookie() ?? []) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        if (pair.slice(at + 1) === '' || /max-age=0/i.test(line)) cookies.delete(pair.slice(0, at));
        else cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    };
    const csrf = (response) => /name="csrf_token" value="([^"]+)"/.exec(response?.text ?? '')?.[1];
    const state = randomBytes(8).toString('hex');
    const query = form({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT_URI, scope: BASE_SCOPE, state });
    const loginPage = await page('GET', `/oauth/authorize?${query}`);
    if (!csrf(loginPage)) return;
    const loggedIn = await page('POST', '/oauth/authorize/login', { csrf_token: csrf(loginPage), ...this.user });
    if (loggedIn?.status !== 303) return;
    const codeIn = (response) => (response?.status === 303 ? new URL(response.headers.get('location'), this.auth).searchParams.get('code') : null);
    // A consent the user gave before is remembered: the login then redirects with the code at once.
    let code = codeIn(loggedIn);
    if (!code) {
      const consent = await page('GET', '/oauth/authorize/consent');
      if (!csrf(consent)) return;
      code = codeIn(await page('POST', '/oauth/authorize/consent', { csrf_token: csrf(consent), decision: 'allow' }));
    }
    if (!code) return;
    const exchanged = await this.token(
      'authorization_code',
      basic(client.clientId, client.clientSecret),
      { code, redirect_uri: REDIRECT_URI },
      'code_exchange',
    );
    if (exchanged?.status === 200) this.adopt(exchanged.json());
  }

  /** One admin change: create, deactivate or reactivate a client, (dis)associate a scope, add a scope, revoke a token. */
  async op_admin() {
    const { churn, scopes, tokens } = this.state;
    const roll = Math.random();
    if (churn.length < 5 || (roll < 0.15 && churn.length < MAX_CHURN_CLIENTS)) {
      const client = await this.createCcClient(`Soak Churn ${randomBytes(5).toString('hex')}`);
      if (client) churn.push(client);
    } else if (roll < 0.45) {
      const client = pick(churn);
      const response = await this.admin('PATCH', `/admin/v1/clients/${client.clientId}`, { active: !client.active });
      if (response?.status === 200) client.active = response.json().active;
    } else if (roll < 0.6) {
      await this.admin('PUT', `/admin/v1/clients/${pick(churn).clientId}/scopes/${pick(scopes)}`);
    } else if (roll < 0.7) {
      const scope = pick(scopes.slice(1));
      if (scope) await this.admin('DELETE', `/admin/v1/clients/${pick(churn).clientId}/scopes/${scope}`);
    } else if (roll < 0.8 && scopes.length < MAX_SCOPES) {
      const name = `soak.s${randomBytes(3).toString('hex')}`;
      const response = await this.admin('POST', '/admin/v1/scopes', { name, description: name });
      if (response?.status === 201) scopes.push(name);
    } else if (tokens.length) {
      await this.admin('DELETE', `/admin/v1/tokens/${gidOf(pick(tokens))}`);
    }
  }
}
