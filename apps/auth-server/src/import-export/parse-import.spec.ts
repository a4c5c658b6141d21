import { describe, expect, it } from '@jest/globals';
import { ValidationProblem } from '#errors';
import { parseImportDocument } from './parse-import.js';

const HASH = 'x'.repeat(43);
const client = (overrides: Record<string, unknown> = {}) => ({
  clientId: 'billing-app',
  name: 'Billing App',
  version: '1.0',
  type: 'confidential',
  grants: ['client_credentials'],
  secretHash: HASH,
  ...overrides,
});
const file = (sections: Record<string, unknown> = {}) => ({ format: 'portcullis-export', version: 1, ...sections });

function refusal(raw: unknown, sealingAvailable = false): { field: string; message: string }[] {
  try {
    parseImportDocument(raw, { sealingAvailable });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationProblem);
    return (error as ValidationProblem).errors;
  }
  throw new Error('the file was accepted');
}

describe(parseImportDocument.name, () => {
  it('reads a file with only some sections, the others empty', () => {
    const document = parseImportDocument(file({ clients: [client()] }), { sealingAvailable: false });
    expect(document.clients.map((row) => row.clientId)).toEqual(['billing-app']);
    expect([document.scopes, document.users, document.resources, document.settings]).toEqual([[], [], [], undefined]);
  });

  it.each([
    ['an array', [], 'body'],
    ['a string', 'clients', 'body'],
    ['another format', { format: 'keycloak-realm', version: 1 }, 'format'],
    ['no version', { format: 'portcullis-export' }, 'version'],
    ['a version as a string', { format: 'portcullis-export', version: '1' }, 'version'],
  ])('refuses %s, naming %s', (_, raw, field) => {
    expect(refusal(raw).map((error) => error.field)).toEqual([field]);
  });

  it('says a newer version comes from a newer Portcullis', () => {
    expect(refusal(file({ version: 2 }))).toEqual([{ field: 'version', message: 'unsupported version 2: this server reads version 1 (the file comes from a newer Portcullis)' }]);
  });

  it('names the row and the field of each bad value, with the admin API rules', () => {
    const errors = refusal(
      file({
        clients: [client(), client({ clientId: 'web', name: 'Web<App>', grants: ['authorization_code'] }), client({ clientId: 'x y' })],
        users: [{ username: 'ann', passwordHash: 'plain-password' }],
        scopes: [{ name: 'has space' }],
      }),
    );
    expect(errors.map((error) => error.field)).toEqual(['scopes[0].name', 'clients[1].name', 'clients[2].clientId', 'users[0].passwordHash']);
  });

  it('applies the cross-field client rules per row', () => {
    expect(refusal(file({ clients: [client(), client({ clientId: 'web', name: 'Web', grants: ['authorization_code'] })] }))).toEqual([
      { field: 'clients[1].redirectUris', message: 'at least one redirect URI is required for the authorization_code and implicit grants' },
    ]);
  });

  it('refuses fields the format does not have', () => {
    expect(refusal(file({ clients: [client({ clientSecretPlain: 's' })] }))).toEqual([{ field: 'clients[0].clientSecretPlain', message: 'property clientSecretPlain should not exist' }]);
    expect(refusal(file({ extra: true })).map((error) => error.field)).toEqual(['extra']);
  });

  it('refuses a secret where it cannot be used, or given twice', () => {
    const errors = refusal(
      file({
        clients: [
          client({ clientId: 'spa', name: 'SPA', type: 'public', grants: ['authorization_code'], redirectUris: ['https://spa.example.com/cb'], secret: 's3cret' }),
          client({ clientId: 'both', name: 'Both', secret: 's3cret', secretHash: HASH }),
          client({ clientId: 'prev', name: 'Prev', previousSecretHash: HASH }),
          client({ clientId: 'jwt', name: 'Jwt', tokenEndpointAuthMethod: 'client_secret_jwt' }),
        ],
      }),
    );
    expect(errors.map((error) => error.field)).toEqual(['clients[0].secret', 'clients[0].secretHash', 'clients[1].secretHash', 'clients[2].previousSecretExpiresAt', 'clients[3].tokenEndpointAuthMethod']);
  });

  it('takes a sealed previous secret only beside its hash, and only for a client_secret_jwt client', () => {
    const jwt = { tokenEndpointAuthMethod: 'client_secret_jwt', sealedSecret: 'v1.sealed', previousSecretHash: HASH, previousSecretExpiresAt: '2026-12-05T00:00:00Z' };
    const errors = refusal(
      file({
        clients: [
          client({ ...jwt, previousSealedSecret: 'v1.previous' }),
          client({ clientId: 'alone', name: 'Alone', ...jwt, previousSecretHash: undefined, previousSecretExpiresAt: undefined, previousSealedSecret: 'v1.previous' }),
          client({ clientId: 'basic', name: 'Basic', previousSecretHash: HASH, previousSecretExpiresAt: '2026-12-05T00:00:00Z', previousSealedSecret: 'v1.previous' }),
          client({ clientId: 'spa', name: 'SPA', type: 'public', grants: ['authorization_code'], redirectUris: ['https://spa.example.com/cb'], secretHash: undefined, previousSealedSecret: 'v1.previous' }),
        ],
      }),
      true,
    );
    expect(errors).toEqual([
      { field: 'clients[1].previousSealedSecret', message: 'previousSealedSecret goes with previousSecretHash and previousSecretExpiresAt' },
      { field: 'clients[2].previousSealedSecret', message: 'only a client_secret_jwt client has a sealed secret' },
      { field: 'clients[3].previousSealedSecret', message: 'a public client has no secret' },
    ]);
  });

  it('asks a client_secret_jwt client for more than a hash where sealing is available', () => {
    expect(refusal(file({ clients: [client({ tokenEndpointAuthMethod: 'client_secret_jwt' })] }), true)).toEqual([
      { field: 'clients[0].secret', message: 'a client_secret_jwt client needs its secret in the clear or sealed (sealedSecret), not only its hash' },
    ]);
  });

  it('refuses the same id twice in one file, pointing at the first', () => {
    const errors = refusal(
      file({
        clients: [client(), client({ name: 'Other' }), client({ clientId: 'other', name: 'BILLING APP' })],
        users: [{ username: 'Ann' }, { username: 'ann' }],
        scopes: [{ name: 'a' }, { name: 'a' }],
        resources: [{ identifier: 'https://api.example.com', name: 'A' }, { identifier: 'https://api.example.com', name: 'B' }],
      }),
    );
    expect(errors).toEqual([
      { field: 'scopes[1].name', message: 'another row has the same scope name (scopes[0])' },
      { field: 'clients[1].clientId', message: 'another row has the same clientId (clients[0])' },
      { field: 'clients[2].name', message: 'another row has the same name and version (the name compared without regard to case) (clients[0])' },
      { field: 'users[1].username', message: 'another row has the same username (compared without regard to case) (users[0])' },
      { field: 'resources[1].identifier', message: 'another row has the same identifier (resources[0])' },
    ]);
  });

  it('refuses input nested beyond the admin API bound', () => {
    let deep: unknown = {};
    for (let level = 0; level < 40; level += 1) deep = { deep };
    expect(refusal(file({ settings: deep })).map((error) => error.field)).toEqual(['body']);
  });
});
