import { describe, expect, it } from '@jest/globals';
import type { Client } from '../clients/client.js';
import { hashClientSecret } from '../clients/client-secret.js';
import { DEFAULT_SETTINGS, type Settings } from '../settings/settings.js';
import type { PlanContext, RegistryState, StoredClient, StoredUser } from './import-plan.js';
import { parseImportDocument } from './parse-import.js';
import { planImport } from './plan-import.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const SETTINGS: Settings = { ...DEFAULT_SETTINGS, accessTokenAudience: 'http://localhost:3001' };
const context: PlanContext = {
  now: NOW,
  reservedClientIds: new Set(['portcullis-console']),
  reservedResources: new Set(['http://localhost:3000']),
  hashSecret: hashClientSecret,
  openSealed: () => null,
};

function storedClient(clientId: string, overrides: Partial<Client> = {}, secret: string | null = 'old-secret', scopes: string[] = []): StoredClient {
  const client: Client = {
    id: `ref-${clientId}`,
    clientId,
    name: clientId,
    version: '1.0',
    description: '',
    type: 'confidential',
    redirectUris: [],
    grants: ['client_credentials'],
    accessTokenLifetime: { mode: 'global' },
    refreshCount: { mode: 'limited', limit: 0 },
    active: true,
    introspection: false,
    idTokenSignedResponseAlg: 'RS256',
    postLogoutRedirectUris: [],
    registration: 'admin',
    allowedResources: null,
    tokenExchangeAudiences: [],
    tokenExchangeImpersonation: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    jwks: null,
    jwksUri: null,
    requirePushedAuthorizationRequests: false,
    entityVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
  return { client, scopes, secretHash: secret && hashClientSecret(secret), previousSecretHash: null, previousSecretExpiresAt: null, secretSealed: null, previousSecretSealed: null };
}

function admin(username: string, overrides: Partial<StoredUser> = {}): StoredUser {
  return { id: `id-${username}`, username, permissions: ['access_control'], active: true, profile: {}, passwordHash: 'scrypt$x', ...overrides };
}

function state(parts: { clients?: StoredClient[]; scopes?: string[]; users?: StoredUser[] } = {}): RegistryState {
  return {
    settings: SETTINGS,
    clients: new Map((parts.clients ?? []).map((stored) => [stored.client.clientId, stored])),
    scopes: new Map((parts.scopes ?? []).map((name) => [name, { name, description: '', requiredPermission: null, entityVersion: 1, createdAt: NOW, updatedAt: NOW }])),
    users: new Map((parts.users ?? [admin('admin')]).map((user) => [user.username.toLowerCase(), user])),
    resources: new Map(),
  };
}

const row = (clientId: string, overrides: Record<string, unknown> = {}) => ({ clientId, name: clientId, version: '1.0', type: 'confidential', grants: ['client_credentials'], ...overrides });

function plan(sections: Record<string, unknown>, current: RegistryState, planContext: PlanContext = context) {
  return planImport(parseImportDocument({ format: 'portcullis-export', version: 1, ...sections }, { sealingAvailable: planContext !== context }), current, planContext);
}

/** A stand-in for ClientSecretBox: `sealed:<clientId>:<secret>` opens for that client only. */
const sealed = (clientId: string, secret: string) => `sealed:${clientId}:${secret}`;
const sealing: PlanContext = {
  ...context,
  openSealed: (value, clientId) => (value.startsWith(`sealed:${clientId}:`) ? value.slice(`sealed:${clientId}:`.length) : null),
};

describe(planImport.name, () => {
  it("refuses a user named like a client and a client whose id is a user's name, on the server or in the file (SECURITY-CHECKLIST AD-6)", () => {
    const current = state({ clients: [storedClient('billing')], users: [admin('admin'), admin('ann')] });
    const result = plan({ clients: [row('ann', { secret: 'a-secret' }), row('reports', { secret: 'a-secret' })], users: [{ username: 'billing' }, { username: 'reports' }, { username: 'bob' }] }, current);
    expect(result.rows.map(({ section, key, action }) => `${section} ${key} ${action}`)).toEqual([
      'clients ann conflict',
      'clients reports conflict',
      'users billing conflict',
      'users reports conflict',
      'users bob create',
    ]);
    expect(result.rows[0].reason).toMatch(/username of a user/);
    expect(result.rows[2].reason).toMatch(/id of a client/);
  });

  it('creates new clients with the hash of their secret, and their associations', () => {
    const result = plan({ scopes: [{ name: 'billing.read' }], clients: [row('billing', { secret: 'from-webmethods', scopes: ['billing.read'] })] }, state());
    expect(result.rows).toEqual([
      { section: 'scopes', index: 0, key: 'billing.read', action: 'create' },
      { section: 'clients', index: 0, key: 'billing', action: 'create' },
    ]);
    expect(result.clients).toEqual([expect.objectContaining({ kind: 'create', clientId: 'billing', scopes: ['billing.read'], secrets: expect.objectContaining({ secretHash: hashClientSecret('from-webmethods') }) })]);
    expect(JSON.stringify(result)).not.toContain('from-webmethods');
  });

  it('reports a client unchanged when the file says what the server holds, the same secret given in the clear or hashed', () => {
    const current = state({ clients: [storedClient('a', {}, 'old-secret', ['x']), storedClient('b')], scopes: ['x'] });
    const result = plan({ clients: [row('a', { secret: 'old-secret', scopes: ['x'] }), row('b', { secretHash: hashClientSecret('old-secret') })] }, current);
    expect(result.rows.map((entry) => entry.action)).toEqual(['unchanged', 'unchanged']);
    expect(result.clients).toEqual([]);
  });

  describe('a client_secret_jwt client in the middle of a rotation', () => {
    const LATER = '2026-12-04T13:00:00.000Z';
    const jwtRow = (overrides: Record<string, unknown> = {}) =>
      row('jwt', { tokenEndpointAuthMethod: 'client_secret_jwt', sealedSecret: sealed('jwt', 'current'), previousSecretHash: hashClientSecret('previous'), previousSecretExpiresAt: LATER, ...overrides });
    const storedJwt = (previousSealed: string | null): StoredClient => ({
      ...storedClient('jwt', { tokenEndpointAuthMethod: 'client_secret_jwt' }, 'current'),
      secretSealed: sealed('jwt', 'current'),
      previousSecretHash: hashClientSecret('previous'),
      previousSecretExpiresAt: new Date(LATER),
      previousSecretSealed: previousSealed,
    });

    it('keeps the previous secret sealed while its grace period lasts', () => {
      const result = plan({ clients: [jwtRow({ previousSealedSecret: sealed('jwt', 'previous') })] }, state(), sealing);
      expect(result.rows.map((entry) => entry.action)).toEqual(['create']);
      expect(result.clients[0].secrets).toEqual({
        secretHash: hashClientSecret('current'),
        secretSealed: sealed('jwt', 'current'),
        previousSecretHash: hashClientSecret('previous'),
        previousSecretExpiresAt: new Date(LATER),
        previousSecretSealed: sealed('jwt', 'previous'),
      });
    });

    it('leaves it out with the previous hash once the grace period is over, and has none from a file without it', () => {
      const over = plan({ clients: [jwtRow({ previousSecretExpiresAt: '2026-12-04T11:00:00.000Z', previousSealedSecret: 'sealed:other:previous' })] }, state(), sealing);
      const older = plan({ clients: [jwtRow()] }, state(), sealing);
      expect(over.clients[0].secrets).toEqual(expect.objectContaining({ previousSecretHash: null, previousSecretExpiresAt: null, previousSecretSealed: null }));
      expect(older.clients[0].secrets).toEqual(expect.objectContaining({ previousSecretHash: hashClientSecret('previous'), previousSecretSealed: null }));
    });

    it('refuses a sealed previous secret that does not open here, or is not the one previousSecretHash names', () => {
      const result = plan({ clients: [jwtRow({ previousSealedSecret: sealed('another-client', 'previous') }), jwtRow({ clientId: 'jwt2', name: 'jwt2', sealedSecret: sealed('jwt2', 'current'), previousSealedSecret: sealed('jwt2', 'not-previous') })] }, state(), sealing);
      expect(result.rows.map((entry) => entry.reason)).toEqual([
        'previousSealedSecret does not open on this server (it was sealed under another CLIENT_SECRET_ENCRYPTION_KEY): leave it out, and assertions signed with the previous secret end at the import',
        'previousSealedSecret is not the secret whose hash is previousSecretHash',
      ]);
    });

    it('reports the sealed previous secret as a change only when the file gives another one', () => {
      const same = plan({ clients: [jwtRow({ previousSealedSecret: sealed('jwt', 'previous') })] }, state({ clients: [storedJwt(sealed('jwt', 'previous'))] }), sealing);
      const missing = plan({ clients: [jwtRow({ previousSealedSecret: sealed('jwt', 'previous') })] }, state({ clients: [storedJwt(null)] }), sealing);
      const older = plan({ clients: [jwtRow()] }, state({ clients: [storedJwt(sealed('jwt', 'previous'))] }), sealing);
      expect([same, missing, older].map((result) => result.rows[0])).toEqual([
        expect.objectContaining({ action: 'unchanged' }),
        expect.objectContaining({ action: 'update', changes: ['previousSecret'] }),
        expect.objectContaining({ action: 'unchanged' }),
      ]);
      expect(missing.clients[0].secrets.previousSecretSealed).toBe(sealed('jwt', 'previous'));
    });
  });

  it('names the fields an update changes, and keeps what the row leaves out', () => {
    const current = state({ clients: [storedClient('a', { description: 'kept', introspection: true }, 'old-secret', ['x'])], scopes: ['x', 'y'] });
    const result = plan({ clients: [row('a', { active: false, scopes: ['y'], secret: 'new-secret' })] }, current);
    expect(result.rows).toEqual([{ section: 'clients', index: 0, key: 'a', action: 'update', changes: ['active', 'scopes', 'secret'] }]);
    expect(result.clients[0]).toEqual(expect.objectContaining({ deactivated: true, storedScopes: ['x'], scopes: ['y'], fields: expect.objectContaining({ description: 'kept', introspection: true }) }));
  });

  it('reports conflicts per row: a name and version held by another client, an id held under another name, a scope that exists nowhere, a confidential client without a secret', () => {
    const current = state({ clients: [storedClient('taken', { name: 'Billing App' }), storedClient('renamed', { name: 'Old Name' })] });
    const result = plan(
      { clients: [row('new', { name: 'billing app', secret: 's' }), row('scoped', { secret: 's', scopes: ['nowhere'] }), row('bare'), row('fine', { secret: 's' }), row('renamed', { name: 'New Name' })] },
      current,
    );
    expect(result.rows).toEqual([
      { section: 'clients', index: 0, key: 'new', action: 'conflict', reason: 'a client named "billing app" with version "1.0" already exists on this server with the id taken' },
      { section: 'clients', index: 1, key: 'scoped', action: 'conflict', reason: 'no scope named nowhere on this server or in the file' },
      { section: 'clients', index: 2, key: 'bare', action: 'conflict', reason: 'a confidential client needs its secret: give secret (in the clear) or secretHash (from an export)' },
      { section: 'clients', index: 3, key: 'fine', action: 'create' },
      { section: 'clients', index: 4, key: 'renamed', action: 'conflict', reason: 'the client id renamed belongs to the client "Old Name" on this server, and a client\'s name cannot change' },
    ]);
  });

  it('lets a file move a name and version from one of its clients to another', () => {
    const current = state({ clients: [storedClient('old', { name: 'App', version: '1.0' })] });
    const result = plan({ clients: [row('old', { name: 'App', version: '0.9' }), row('new', { name: 'App', version: '1.0', secret: 's' })] }, current);
    expect(result.rows.map((entry) => entry.action)).toEqual(['update', 'create']);
  });

  it('skips the clients the server provisions itself', () => {
    const result = plan({ clients: [row('portcullis-console', { type: 'public', grants: ['authorization_code'], redirectUris: ['https://x.example.com/cb'] })] }, state());
    expect(result.rows).toEqual([{ section: 'clients', index: 0, key: 'portcullis-console', action: 'skipped', reason: 'this client is provisioned by the server itself and is never imported' }]);
    expect(result.clients).toEqual([]);
  });

  it('refuses to leave the server without an active admin', () => {
    const result = plan({ users: [{ username: 'ADMIN', permissions: [] }, { username: 'new-user' }] }, state());
    expect(result.rows).toEqual([
      { section: 'users', index: 0, key: 'ADMIN', action: 'conflict', reason: 'no active user with access_control would remain' },
      { section: 'users', index: 1, key: 'new-user', action: 'create' },
    ]);
  });

  it('creates users without a password as users who cannot log in yet, and keeps an existing password when the row has none', () => {
    const result = plan({ users: [{ username: 'ann' }, { username: 'admin', profile: { name: 'Admin' } }] }, state());
    expect(result.users).toEqual([
      expect.objectContaining({ kind: 'create', username: 'ann', passwordHash: null, permissions: [], active: true }),
      expect.objectContaining({ kind: 'update', username: 'admin', passwordHash: undefined, profile: { name: 'Admin' } }),
    ]);
  });

  it('checks that a resource names scopes and a client that exist, and skips the server\'s own admin API', () => {
    const result = plan(
      {
        clients: [row('api-client', { secret: 's' })],
        resources: [
          { identifier: 'https://api.example.com', name: 'API', clientId: 'api-client' },
          { identifier: 'https://b.example.com', name: 'B', scopes: ['nowhere'] },
          { identifier: 'https://c.example.com', name: 'C', clientId: 'ghost' },
          { identifier: 'http://localhost:3000', name: 'Admin API' },
        ],
      },
      state(),
    );
    expect(result.rows.filter((entry) => entry.section === 'resources').map((entry) => [entry.action, entry.reason])).toEqual([
      ['create', undefined],
      ['conflict', 'no scope named nowhere on this server or in the file'],
      ['conflict', 'no client with the id ghost on this server or in the file'],
      ['skipped', "this server's own admin API (AUTH_ISSUER) is provisioned by the server itself and is never imported"],
    ]);
  });

  it('updates only the settings that differ, merging the registration policy', () => {
    const result = plan({ settings: { accessTokenLifetimeSeconds: 3600, auditRetentionDays: 30, registrationPolicy: { maxScopes: 5 } } }, state());
    expect(result.rows).toEqual([{ section: 'settings', index: null, key: 'settings', action: 'update', changes: ['auditRetentionDays', 'registrationPolicy'] }]);
    expect(result.settings).toEqual({ auditRetentionDays: 30, registrationPolicy: { ...SETTINGS.registrationPolicy, maxScopes: 5 } });
  });
});
