import { describe, expect, it } from '@jest/globals';
import { TemporarilyUnavailable } from '#oauth';
import type { AdmissionPolicy, ProjectedClient, RegistryCatchUp, RegistryProjection } from '#resource-guard';
import type { RsMetrics } from '../metrics/rs-metrics.js';
import type { BasicCredentials } from './basic-credentials.js';
import type { ClientBasicAudit, RefusedBasicCall } from './client-basic-audit.js';
import { ClientBasicAuthenticator } from './client-basic-authenticator.js';
import type { ClientSecretCheck, SecretVerdict } from './client-secret-check.js';

const SECRET = 'right-secret';
const header = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

function client(changes: Partial<ProjectedClient> = {}): ProjectedClient {
  return { clientId: 'app', name: 'App', version: '1', type: 'confidential', active: true, entityVersion: 1, enabled: true, scopes: new Set(['a.read', 'gone']), scopesVersion: 0, ...changes };
}

function setup(options: { ready?: boolean; verdict?: () => Promise<SecretVerdict> } = {}) {
  const clients = new Map<string, ProjectedClient>([['app', client()]]);
  // Every change bumps the version, as the projection's own changes do.
  let version = 0;
  const set = clients.set.bind(clients);
  clients.set = (id: string, value: ProjectedClient) => {
    version++;
    return set(id, value);
  };
  const checks: BasicCredentials[] = [];
  const refused: RefusedBasicCall[] = [];
  const throttled: string[] = [];
  const counted: string[] = [];
  let catchUps = 0;
  const late = new Map<string, ProjectedClient>();
  const projection = {
    version: () => version,
    client: (id: string) => clients.get(id),
    scope: (name: string) => (name === 'gone' ? undefined : { name }),
  } as unknown as RegistryProjection;
  const catchUp = {
    refresh: async () => {
      catchUps++;
      for (const [id, value] of late) clients.set(id, value);
    },
  } as unknown as RegistryCatchUp;
  const policy = { notReadyReason: () => (options.ready === false ? 'the registry has not been loaded yet' : undefined) } as AdmissionPolicy;
  const secrets = {
    check: (credentials: BasicCredentials) => {
      checks.push(credentials);
      return options.verdict ? options.verdict() : Promise.resolve(credentials.secret === SECRET ? 'right' : 'wrong');
    },
  } as unknown as ClientSecretCheck;
  const audit = { refused: (call: RefusedBasicCall) => refused.push(call), throttled: (call: RefusedBasicCall, locked: string) => throttled.push(locked) } as unknown as ClientBasicAudit;
  const metrics = { clientBasicRefused: (reason: string) => counted.push(reason) } as unknown as RsMetrics;
  const authenticator = new ClientBasicAuthenticator(projection, catchUp, policy, secrets, audit, metrics);
  const admit = (authorization: string, ip = '10.0.0.1') => authenticator.admit({ authorization, ip, route: '/billing' });
  return { authenticator, admit, clients, late, checks, refused, throttled, counted, catchUps: () => catchUps };
}

/** The refusal's status and reason (its server-side detail), whether thrown at once or as a rejection. */
async function refusal(attempt: () => unknown): Promise<{ status: number; reason?: string }> {
  try {
    await attempt();
  } catch (error) {
    return { status: (error as { status: number }).status, reason: (error as { detail?: string }).detail };
  }
  throw new Error('admitted');
}

describe(ClientBasicAuthenticator.name, () => {
  it('admits the right secret as the client itself, with its scopes the registry still defines, and no token id', async () => {
    const { admit } = setup();
    expect(await admit(header('app', SECRET))).toEqual({ sub: 'app', clientId: 'app', audiences: [], scopes: ['a.read'], effectiveScopes: ['a.read'] });
  });

  it('answers from the cache at once (no promise, no second check) while the client is unchanged', async () => {
    const { admit, checks } = setup();
    await admit(header('app', SECRET));
    const again = admit(header('app', SECRET));
    expect(again).not.toBeInstanceOf(Promise);
    expect(admit(header('app', SECRET))).toBe(again);
    expect(checks).toHaveLength(1);
  });

  it("follows the client's scopes as they change (client.scopes.set keeps the version), without checking again", async () => {
    const { admit, checks, clients } = setup();
    await admit(header('app', SECRET));
    clients.set('app', client({ scopes: new Set(['a.read', 'b.write']) }));
    expect(admit(header('app', SECRET))).toMatchObject({ scopes: ['a.read', 'b.write'] });
    expect(checks).toHaveLength(1);
  });

  it('checks again once the client changed (a rotated secret comes as a new version)', async () => {
    const { admit, checks, clients } = setup();
    await admit(header('app', SECRET));
    clients.set('app', client({ entityVersion: 2 }));
    await admit(header('app', SECRET));
    expect(checks).toHaveLength(2);
  });

  it.each([
    ['public_client', { type: 'public' as const }],
    ['inactive_client', { active: false }],
    ['disabled_client', { enabled: false }],
  ])('refuses a %s from the registry, cached or not, without asking the auth server', async (reason, changes) => {
    const { admit, checks, clients, refused, counted } = setup();
    await admit(header('app', SECRET));
    clients.set('app', client(changes));
    expect(await refusal(() => admit(header('app', SECRET)))).toEqual({ status: 401, reason });
    expect(checks).toHaveLength(1);
    expect(refused).toEqual([{ reason, clientId: 'app', route: '/billing', ip: '10.0.0.1' }]);
    expect(counted).toEqual([reason]);
  });

  it('refuses a wrong secret and malformed credentials with the same 401', async () => {
    const { admit } = setup();
    expect(await refusal(() => admit(header('app', 'wrong')))).toEqual({ status: 401, reason: 'wrong_secret' });
    expect(await refusal(() => admit('Basic !!!'))).toEqual({ status: 401, reason: 'malformed' });
  });

  it('catches up on a client the auth server knows and this registry not yet; an unknown one stays refused', async () => {
    const { admit, late, catchUps } = setup();
    late.set('new-app', client({ clientId: 'new-app' }));
    expect(await admit(header('new-app', SECRET))).toMatchObject({ clientId: 'new-app' });
    expect(catchUps()).toBe(1);
    expect(await refusal(() => admit(header('ghost', SECRET)))).toEqual({ status: 401, reason: 'unknown_client' });
    expect(await refusal(() => admit(header('ghost', 'wrong')))).toEqual({ status: 401, reason: 'unknown_client' });
    expect(catchUps()).toBe(2);
  });

  it('locks an address after 10 failures (429, the auth server not asked), and audits the lock once', async () => {
    const { admit, checks, throttled } = setup();
    for (let i = 0; i < 10; i++) await refusal(() => admit(header(`guess-${i}`, 'x'), '10.0.0.9'));
    expect(checks).toHaveLength(10);
    expect(throttled).toEqual(['ip']);
    expect(await refusal(() => admit(header('app', SECRET), '10.0.0.9'))).toMatchObject({ status: 429 });
    expect(checks).toHaveLength(10);
    expect(await admit(header('app', SECRET), '10.0.0.10')).toMatchObject({ clientId: 'app' });
  });

  it('counts malformed credentials against the address', async () => {
    const { admit, throttled } = setup();
    for (let i = 0; i < 10; i++) await refusal(() => admit('Basic !!!', '10.0.0.7'));
    expect(throttled).toEqual(['ip']);
    expect(await refusal(() => admit(header('app', SECRET), '10.0.0.7'))).toMatchObject({ status: 429 });
  });

  it('fails closed: 503 before the registry is loaded, and when the auth server cannot be reached (not counted as a failure)', async () => {
    expect(await refusal(() => setup({ ready: false }).admit(header('app', SECRET)))).toMatchObject({ status: 503 });
    const down = setup({ verdict: () => Promise.reject(new TemporarilyUnavailable('the authorization server cannot be reached')) });
    for (let i = 0; i < 12; i++) expect(await refusal(() => down.admit(header('app', SECRET)))).toMatchObject({ status: 503 });
    expect(down.counted).toEqual(Array(12).fill('auth_server_unavailable'));
    expect(down.refused).toEqual([]);
  });
});
