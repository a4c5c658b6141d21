import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import type { AuthServerConfig } from '../../../apps/auth-server/src/config/auth-server.config.js';
import { startTestAuthServer, type RunningAuthServer, type TestAuthServerOptions } from './auth-server-harness.js';
import { TEST_RESOURCE_CLIENT, type RunningResourceServer } from './resource-server-harness.js';

/**
 * Full-stack helpers: the real auth server and real resource servers together, with a Redis of
 * the test's own when it needs to break it (SECURITY-CHECKLIST §3).
 */

/** A free loopback TCP port (there is a small window in which someone else could take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The auth server on a known port whose issuer is its real URL, so that resource servers can fetch
 * its JWKS and snapshot; it provisions the resource server's client (TEST_RESOURCE_CLIENT).
 * `restart()` comes back on the same port; mutate `config` (e.g. `redisUrl`) before it to reconfigure.
 */
export async function startStackAuthServer(overrides: Partial<AuthServerConfig> = {}, env: Record<string, string> = {}, options: TestAuthServerOptions = {}): Promise<RunningAuthServer> {
  const port = await freePort();
  return startTestAuthServer(
    { port, issuer: `http://127.0.0.1:${port}`, ...overrides },
    { RESOURCE_CLIENT_ID: TEST_RESOURCE_CLIENT.clientId, RESOURCE_CLIENT_SECRET: TEST_RESOURCE_CLIENT.clientSecret, ...env },
    options,
  );
}

/** Polls `check` until true; resolves to the elapsed milliseconds. Bounded by `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<number> {
  const started = performance.now();
  const deadline = started + timeoutMs;
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

/** A throwaway redis-server without persistence, so that a restart comes back empty (F-2). Killed by its PID only. */
export class TestRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly args: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `args` are extra redis-server options, e.g. ['--requirepass', 'secret']. */
  static async start(args: string[] = []): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), args);
    await redis.start();
    return redis;
  }

  /** (Re)starts it on the same port. */
  async start(): Promise<void> {
    if (this.running) return;
    const options = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.args];
    const child = spawn('redis-server', options, { stdio: 'ignore' });
    this.child = child;
    child.once('error', () => undefined);
    try {
      await eventually(() => this.accepts(), 5000, `redis-server on port ${this.port}`);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGSTOP, like `docker pause`: connections stay open and nothing answers (a hung Redis, not a refusing one). */
  pause(): void {
    if (this.running) this.child?.kill('SIGSTOP');
  }

  resume(): void {
    if (this.running) this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(this.port, '127.0.0.1');
    });
  }
}

/** A client registered through the admin API, with its secret. */
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

/** GET /api/me at a resource server: the status and the WWW-Authenticate challenge. */
export async function probe(rs: RunningResourceServer, token: string): Promise<{ status: number; challenge: string | null }> {
  const response = await rs.request('/api/me', { token });
  await response.arrayBuffer();
  return { status: response.status, challenge: response.headers.get('www-authenticate') };
}

/** The refusal CONTRACT "Resource server" prescribes for a revoked token or a refused client. */
export const INVALID_TOKEN_CHALLENGE = /^Bearer error="invalid_token"/;
