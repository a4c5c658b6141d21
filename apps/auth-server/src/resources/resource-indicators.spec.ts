import type { Client } from '../clients/client.js';
import type { SettingsService } from '../settings/settings.service.js';
import { Catalog, type ResourceCatalog } from './resource-catalog.js';
import { ResourceIndicators } from './resource-indicators.js';
import type { Resource } from './resource.js';

const DEFAULT = 'http://localhost:3001';
const A = 'https://a.example.com';
const B = 'https://b.example.com';

function resource(identifier: string, scopes: string[], accessTokenLifetimeSeconds: number | null = null): Resource {
  return { id: identifier, identifier, name: identifier, scopes, accessTokenLifetimeSeconds, clientId: null, createdAt: new Date(0), updatedAt: new Date(0) };
}

const catalog = new Catalog([resource(DEFAULT, ['rs.admin']), resource(A, ['a.read'], 120), resource(B, ['b.read'])]);
const indicators = new ResourceIndicators(
  { current: async () => catalog } as unknown as ResourceCatalog,
  { get: async () => ({ accessTokenAudience: DEFAULT }) } as unknown as SettingsService,
);
const client = (allowedResources: string[] | null = null) => ({ allowedResources }) as Client;
const SCOPES = ['a.read', 'b.read', 'rs.admin', 'free'];

describe('ResourceIndicators.forToken (RFC 8707)', () => {
  it('targets the resource asked: its scopes and those no resource owns, its lifetime, remembered', async () => {
    expect(await indicators.forToken(client(), A, SCOPES)).toEqual({ audience: A, scopes: ['a.read', 'free'], lifetimeSeconds: 120, resources: [A] });
  });

  it('without a resource: the default audience, nothing remembered', async () => {
    expect(await indicators.forToken(client(), undefined, SCOPES)).toEqual({ audience: DEFAULT, scopes: ['rs.admin', 'free'], lifetimeSeconds: null, resources: [] });
  });

  it('a code or refresh: one of the granted resources, never a new one; the single granted one by default', async () => {
    expect((await indicators.forToken(client(), B, SCOPES, [A, B])).audience).toBe(B);
    expect((await indicators.forToken(client(), undefined, SCOPES, [B])).audience).toBe(B);
    expect((await indicators.forToken(client(), A, SCOPES, [A, B])).resources).toEqual([A, B]);
    await expect(indicators.forToken(client(), B, SCOPES, [A])).rejects.toMatchObject({ error: 'invalid_target' });
    await expect(indicators.forToken(client(), undefined, SCOPES, [A, B])).rejects.toMatchObject({ error: 'invalid_target' });
    // Granted nothing: the default audience only.
    expect((await indicators.forToken(client(), DEFAULT, SCOPES, [])).audience).toBe(DEFAULT);
    await expect(indicators.forToken(client(), A, SCOPES, [])).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it.each([`${A}#f`, '/relative', 'https://unknown.example.com'])('refuses %s with invalid_target', async (requested) => {
    await expect(indicators.forToken(client(), requested, SCOPES)).rejects.toMatchObject({ error: 'invalid_target', status: 400 });
  });

  it("keeps to the client's allowedResources, the default audience included", async () => {
    await expect(indicators.forToken(client([B]), A, SCOPES)).rejects.toMatchObject({ error: 'invalid_target' });
    await expect(indicators.forToken(client([B]), undefined, SCOPES)).rejects.toMatchObject({ error: 'invalid_target' });
    expect((await indicators.forToken(client([B]), B, SCOPES)).audience).toBe(B);
  });
});

describe('ResourceIndicators.forAuthorization', () => {
  it('accepts a repeated resource, once each', async () => {
    expect(await indicators.forAuthorization(client(), [A, B, A])).toEqual([A, B]);
    expect(await indicators.forAuthorization(client(), undefined)).toEqual([]);
  });

  it('takes an empty value as omitted, and refuses more than 16', async () => {
    expect(await indicators.forAuthorization(client(), ['', A])).toEqual([A]);
    const many = Array.from({ length: 17 }, (_, index) => `${A}/${index}`);
    await expect(indicators.forAuthorization(client(), many)).rejects.toMatchObject({ error: 'invalid_target', description: 'at most 16 resources per request' });
  });

  it('refuses any bad one', async () => {
    await expect(indicators.forAuthorization(client(), [A, 'nope'])).rejects.toMatchObject({ error: 'invalid_target' });
    await expect(indicators.forAuthorization(client([A]), undefined)).rejects.toMatchObject({ error: 'invalid_target' });
  });
});

describe('Catalog.scopesFor', () => {
  it('with no resource owning anything, every scope goes everywhere', () => {
    expect(new Catalog([]).scopesFor(undefined, ['x', 'y'])).toEqual(['x', 'y']);
  });

  it('an unregistered audience gets only scopes no resource owns', () => {
    expect(catalog.scopesFor(undefined, SCOPES)).toEqual(['free']);
  });
});
