import { describe, expect, it } from '@jest/globals';
import { clientIdOf, recordTokenAnswer } from './activity-recorder.js';
import { ActivityCounters } from './activity-metrics.js';

const T = Date.UTC(2026, 11, 4, 18, 30, 0);
const jwt = (claims: object) => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('recordTokenAnswer', () => {
  it('counts a 200 by grant type and by the client the token names', () => {
    const counters = new ActivityCounters();
    recordTokenAnswer(counters, 200, { access_token: jwt({ client_id: 'billing' }) }, { body: { grant_type: 'client_credentials' } }, T);
    expect(counters.drain()).toEqual([
      { minute: T, metric: 'tokens.issued', label: 'client_credentials', count: 1 },
      { minute: T, metric: 'tokens.issued.client', label: 'billing', count: 1 },
    ]);
  });

  it('counts a refusal by its OAuth error code, and a 429 as rate_limited', () => {
    const counters = new ActivityCounters();
    recordTokenAnswer(counters, 401, { error: 'invalid_client' }, { body: {} }, T);
    recordTokenAnswer(counters, 400, { error: 'invalid_grant' }, { body: {} }, T);
    recordTokenAnswer(counters, 429, { error: 'invalid_request' }, { body: {} }, T);
    recordTokenAnswer(counters, 500, null, { body: undefined }, T);
    expect(counters.drain().map((row) => [row.metric, row.label, row.count])).toEqual([
      ['token.refused', 'invalid_client', 1],
      ['token.refused', 'invalid_grant', 1],
      ['token.refused', 'rate_limited', 1],
      ['token.refused', 'unknown', 1],
    ]);
  });
});

describe('clientIdOf', () => {
  it("reads the access token's client_id claim", () => {
    expect(clientIdOf(jwt({ client_id: 'app', sub: 'alice' }))).toBe('app');
  });

  it('is null for anything that is not a JWT with a string client_id', () => {
    expect(clientIdOf(undefined)).toBeNull();
    expect(clientIdOf('opaque')).toBeNull();
    expect(clientIdOf('a.%%%.c')).toBeNull();
    expect(clientIdOf(jwt({ client_id: 42 }))).toBeNull();
  });
});
