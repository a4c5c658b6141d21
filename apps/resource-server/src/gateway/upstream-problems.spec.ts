import { describe, expect, it } from '@jest/globals';
import { upstreamProblem } from './upstream-problems.js';

describe('upstreamProblem', () => {
  it('is 504 only for no answer in time', () => {
    expect(upstreamProblem({ code: 'UND_ERR_HEADERS_TIMEOUT' }, 250)).toMatchObject({ status: 504, detail: 'the upstream did not answer within 250 ms' });
  });

  it('is 502 for a refused, reset or unreachable upstream (a connect timeout included)', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']) {
      expect(upstreamProblem({ code }, 250).status).toBe(502);
    }
    expect(upstreamProblem(new Error('boom'), 250).status).toBe(502);
  });
});
