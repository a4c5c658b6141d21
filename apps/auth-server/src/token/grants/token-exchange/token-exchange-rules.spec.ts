import { describe, expect, it } from '@jest/globals';
import { audiencesOf, mayPresent } from '../../../resources/in-the-audience.js';
import { InvalidRequest, InvalidScope, InvalidTarget } from '#oauth';
import type { Resource } from '../../../resources/resource.js';
import {
  MAX_DELEGATION_DEPTH,
  actorClaimFor,
  assertAccessTokenType,
  assertParameterPairs,
  exchangeAudience,
  exchangeScopes,
  type PresentedToken,
} from './token-exchange-rules.js';

const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const API = 'https://api.example.com';
const BILLING = 'https://billing.example.com';

function resource(identifier: string, clientId: string | null = null): Resource {
  return {
    id: identifier,
    identifier,
    name: identifier,
    scopes: [],
    accessTokenLifetimeSeconds: null,
    clientId,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}
const registry = new Map([API, BILLING].map((identifier) => [identifier, resource(identifier, identifier === API ? 'api-client' : null)]));
const resourceOf = (identifier: string) => registry.get(identifier);
const token = (claims: Partial<PresentedToken> = {}): PresentedToken => ({ sub: 'alice', client_id: 'web', aud: API, ...claims });

describe(assertAccessTokenType.name, () => {
  it('accepts the access token type', () => {
    expect(() => assertAccessTokenType(ACCESS_TOKEN, 'subject_token_type')).not.toThrow();
  });

  it.each([
    'urn:ietf:params:oauth:token-type:refresh_token',
    'urn:ietf:params:oauth:token-type:id_token',
    'urn:ietf:params:oauth:token-type:jwt',
    'access_token',
    '',
  ])('refuses %j with invalid_request', (type) => {
    expect(() => assertAccessTokenType(type, 'actor_token_type')).toThrow(InvalidRequest);
  });
});

describe(assertParameterPairs.name, () => {
  it('accepts no actor, an actor with its type, and requested_token_type access_token', () => {
    expect(() => assertParameterPairs({})).not.toThrow();
    expect(() => assertParameterPairs({ actor_token: 'a', actor_token_type: ACCESS_TOKEN, requested_token_type: ACCESS_TOKEN })).not.toThrow();
  });

  it('refuses an actor_token without its type, a type without the token, and any other requested type', () => {
    expect(() => assertParameterPairs({ actor_token: 'a' })).toThrow(new InvalidRequest('the parameter actor_token_type is missing'));
    expect(() => assertParameterPairs({ actor_token_type: ACCESS_TOKEN })).toThrow(new InvalidRequest('actor_token_type without actor_token'));
    expect(() => assertParameterPairs({ requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' })).toThrow(InvalidRequest);
  });
});

describe(audiencesOf.name, () => {
  it('reads a string, an array, and nothing', () => {
    expect(audiencesOf({ aud: API })).toEqual([API]);
    expect(audiencesOf({ aud: [API, BILLING] })).toEqual([API, BILLING]);
    expect(audiencesOf({})).toEqual([]);
  });
});

describe(mayPresent.name, () => {
  it("lets the token's own client present it", () => {
    expect(mayPresent({ clientId: 'web' }, token(), resourceOf)).toBe(true);
  });

  it('lets the client a resource names as its own present a token for that resource (string or one-element array)', () => {
    expect(mayPresent({ clientId: 'api-client' }, token(), resourceOf)).toBe(true);
    expect(mayPresent({ clientId: 'api-client' }, token({ aud: [API] }), resourceOf)).toBe(true);
  });

  it('lets a client present a token whose audience is its client_id', () => {
    expect(mayPresent({ clientId: 'svc' }, token({ aud: 'svc' }), resourceOf)).toBe(true);
  });

  it("refuses any other client: not the token's, not in its audience", () => {
    expect(mayPresent({ clientId: 'other' }, token(), resourceOf)).toBe(false);
    expect(mayPresent({ clientId: 'api-client' }, token({ aud: BILLING }), resourceOf)).toBe(false);
    expect(mayPresent({ clientId: 'api-client' }, token({ aud: 'https://unregistered.example.com' }), resourceOf)).toBe(false);
  });
});

describe(actorClaimFor.name, () => {
  it("names the actor token's subject and client (delegation)", () => {
    expect(actorClaimFor(token(), token({ sub: 'svc', client_id: 'svc' }))).toEqual({ sub: 'svc', client_id: 'svc' });
  });

  it("nests the subject token's act inside the new actor (RFC 8693 §4.1)", () => {
    const subject = token({ act: { sub: 'first', client_id: 'first' } });
    expect(actorClaimFor(subject, token({ sub: 'second', client_id: 'second' }))).toEqual({
      sub: 'second',
      client_id: 'second',
      act: { sub: 'first', client_id: 'first' },
    });
  });

  it("has no act for impersonation of a plain token, and keeps the subject's act when there is one", () => {
    expect(actorClaimFor(token(), undefined)).toBeUndefined();
    expect(actorClaimFor(token({ act: { sub: 'first', client_id: 'first' } }), undefined)).toEqual({ sub: 'first', client_id: 'first' });
  });

  it('keeps only well-formed prior actors', () => {
    expect(actorClaimFor(token({ act: 'garbage' }), token({ sub: 's', client_id: 's' }))).toEqual({ sub: 's', client_id: 's' });
  });

  it(`refuses a chain deeper than ${MAX_DELEGATION_DEPTH} actors`, () => {
    let act: PresentedToken['act'] = undefined;
    for (let depth = 0; depth < MAX_DELEGATION_DEPTH; depth++) act = { sub: `a${depth}`, client_id: `a${depth}`, ...(act ? { act } : {}) };
    expect(() => actorClaimFor(token({ act }), token({ sub: 'one-too-many', client_id: 'x' }))).toThrow(InvalidRequest);
  });
});

describe(exchangeAudience.name, () => {
  const client = { tokenExchangeAudiences: [BILLING], allowedResources: null };

  it("keeps the subject token's audience when none is asked for, or the same one is", () => {
    expect(exchangeAudience({}, API, { tokenExchangeAudiences: [], allowedResources: null }, resourceOf)).toEqual({
      audience: API,
      resource: registry.get(API),
    });
    expect(exchangeAudience({ audience: API }, API, { tokenExchangeAudiences: [], allowedResources: null }, resourceOf).audience).toBe(API);
    expect(exchangeAudience({}, 'https://default.example.com', client, resourceOf)).toEqual({ audience: 'https://default.example.com', resource: undefined });
  });

  it('moves to a listed, registered resource named by resource or audience', () => {
    expect(exchangeAudience({ resource: BILLING }, API, client, resourceOf).audience).toBe(BILLING);
    expect(exchangeAudience({ audience: BILLING }, API, client, resourceOf).audience).toBe(BILLING);
    expect(exchangeAudience({ audience: BILLING, resource: BILLING }, API, client, resourceOf).audience).toBe(BILLING);
  });

  it("refuses the subject token's own audience too when the client's allowedResources leave it out", () => {
    expect(() => exchangeAudience({}, API, { tokenExchangeAudiences: [], allowedResources: [BILLING] }, resourceOf)).toThrow(InvalidTarget);
    expect(exchangeAudience({}, API, { tokenExchangeAudiences: [], allowedResources: [API] }, resourceOf).audience).toBe(API);
  });

  it('refuses with invalid_target: not listed, not registered, not allowed, malformed, or resource and audience disagreeing', () => {
    expect(() => exchangeAudience({ resource: BILLING }, API, { tokenExchangeAudiences: [], allowedResources: null }, resourceOf)).toThrow(InvalidTarget);
    expect(() =>
      exchangeAudience(
        { resource: 'https://gone.example.com' },
        API,
        { tokenExchangeAudiences: ['https://gone.example.com'], allowedResources: null },
        resourceOf,
      ),
    ).toThrow(InvalidTarget);
    expect(() => exchangeAudience({ resource: BILLING }, API, { tokenExchangeAudiences: [BILLING], allowedResources: [API] }, resourceOf)).toThrow(
      InvalidTarget,
    );
    expect(() => exchangeAudience({ audience: 'not a uri' }, API, client, resourceOf)).toThrow(InvalidTarget);
    expect(() => exchangeAudience({ resource: BILLING, audience: API }, API, client, resourceOf)).toThrow(InvalidTarget);
  });
});

describe(exchangeScopes.name, () => {
  it('grants what both the subject token and the caller have when none is asked for', () => {
    expect(exchangeScopes(undefined, ['read', 'write', 'admin'], ['read', 'write'])).toEqual(['read', 'write']);
  });

  it('narrows to the scopes asked for', () => {
    expect(exchangeScopes('read', ['read', 'write'], ['read', 'write'])).toEqual(['read']);
  });

  it('refuses with invalid_scope a scope beyond the subject token, beyond the caller, or malformed', () => {
    expect(() => exchangeScopes('read delete', ['read', 'write'], ['read', 'write', 'delete'])).toThrow(InvalidScope);
    expect(() => exchangeScopes('write', ['read', 'write'], ['read'])).toThrow(InvalidScope);
    expect(() => exchangeScopes('read  write', ['read', 'write'], ['read', 'write'])).toThrow(InvalidScope);
  });
});
