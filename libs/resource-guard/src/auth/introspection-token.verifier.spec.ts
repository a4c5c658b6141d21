import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { IntrospectionTokenVerifier } from './introspection-token.verifier.js';

const CONFIG = { issuer: 'https://as.test', authServerUrl: 'https://as.test', audience: 'https://api.test', client: { clientId: 'rs', clientSecret: 'secret' } };
const ACTIVE = { active: true, sub: 'alice', client_id: 'app', scope: 'a', token_type: 'Bearer', aud: 'https://api.test', iss: 'https://as.test', exp: Math.floor(Date.now() / 1000) + 300 };

describe('IntrospectionTokenVerifier: its cache and sync events', () => {
  const realFetch = globalThis.fetch;
  let answers: ((response: Response) => void)[];
  let calls: number;

  beforeEach(() => {
    answers = [];
    calls = 0;
    globalThis.fetch = jest.fn(() => {
      calls += 1;
      return new Promise<Response>((resolve) => answers.push(resolve));
    }) as unknown as typeof fetch;
  });

  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  const answer = () => answers.shift()!(Response.json(ACTIVE));

  it('caches an answer: the same token again asks nothing', async () => {
    const sut = new IntrospectionTokenVerifier(CONFIG);
    const first = sut.verify('t1');
    answer();
    await first;
    await sut.verify('t1');
    expect(calls).toBe(1);
  });

  it('does not cache an answer asked for before a sync event and received after it (a revocation meanwhile)', async () => {
    const sut = new IntrospectionTokenVerifier(CONFIG);
    const inFlight = sut.verify('t1');
    await new Promise((resolve) => setImmediate(resolve));
    sut.invalidate();
    answer();
    expect(await inFlight).toMatchObject({ sub: 'alice' });
    const again = sut.verify('t1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
    answer();
    await again;
  });
});
