import { describe, expect, it } from '@jest/globals';
import { ISSUED_TO } from '../tokens/token-response.js';
import { recordTokenAnswer } from './activity-recorder.js';
import { ActivityCounters } from './activity-metrics.js';

const T = Date.UTC(2026, 11, 4, 18, 30, 0);

describe('recordTokenAnswer', () => {
  it('counts a 200 by grant type and by the client it was issued to', () => {
    const counters = new ActivityCounters();
    recordTokenAnswer(counters, 200, { access_token: 'x.y.z', [ISSUED_TO]: 'billing' }, { body: { grant_type: 'client_credentials' } }, T);
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
