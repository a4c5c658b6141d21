import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { basicAuthorization, startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { AuthFailureThrottle } from '../../src/rate-limit/auth-failure-throttle.js';
import { authorizePath, createTestClient, csrfOf, TestBrowser } from '../support/authorize-flow.helpers.js';
import { basic, createClient, createUser, postForm, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(180_000);

const BURST = 40;
const ROUNDS = 3;

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  body: Record<string, unknown>;
}

async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/**
 * Fires bursts until one of them overflows the queue. The bound is tiny, so the first burst almost
 * always does; more rounds only keep a slow machine from failing the test (no timing assumed).
 */
async function burstsUntilRefused(fire: () => Promise<Response>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let round = 0; round < ROUNDS && !answers.some((answer) => answer.status === 503); round++) {
    answers.push(...(await Promise.all(Array.from({ length: BURST }, async () => answerOf(await fire())))));
  }
  return answers;
}

/** Issue 12, item 5: the password hashing queue is bounded; over it, 503 with Retry-After, never a 500. */
describe('a full password hashing queue answers 503 with Retry-After', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  beforeAll(async () => {
    // fatal: each refused request would log an error line (5xx), hundreds of them.
    // The production hash cost: the queue must fill (other suites hash at the cheapest cost).
    server = await startTestAuthServer({}, { PASSWORD_HASH_QUEUE_LIMIT: '1', PASSWORD_HASH_COST: '15', LOG_LEVEL: 'fatal' });
    // The bursts are right passwords from one user and IP: the login throttle is not under test here.
    server.app.get(AuthFailureThrottle).usePolicy({ maxFailures: 1_000_000, windowSeconds: 300, lockoutSeconds: 1 });
    client = await createClient(server, { grants: ['password'] });
    await createUser(server, 'alice', 'alice-password-1');
  });
  afterAll(async () => {
    await server.close();
  });

  it('admin API with Basic: some 503 problems with Retry-After, the rest 401', async () => {
    // Distinct passwords: identical credentials at once share one check (RecentBasicLogins).
    let attempt = 0;
    const answers = await burstsUntilRefused(() =>
      server.request('/admin/v1/users', { headers: { authorization: basicAuthorization(TEST_ADMIN.username, `wrong-password-${attempt++}`) } }),
    );
    expect(answers.every((answer) => answer.status === 401 || answer.status === 503)).toBe(true);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.some((answer) => answer.status === 401)).toBe(true);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 503, title: 'Service unavailable' });
    }
  });

  it('token endpoint, password grant: some 503 temporarily_unavailable with Retry-After, the rest 200', async () => {
    const answers = await burstsUntilRefused(() =>
      postForm(
        server,
        '/oauth/token',
        { grant_type: 'password', username: 'alice', password: 'alice-password-1' },
        { authorization: basic(client.clientId, client.secret) },
      ),
    );
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(answer.body).toMatchObject({ error: 'temporarily_unavailable' });
    }
  });

  it('login page: some 503 pages with Retry-After, the rest the login form again (401)', async () => {
    const pageClient = await createTestClient(server, { type: 'public' });
    const browser = new TestBrowser(server);
    const loginPage = await browser.get(
      authorizePath({ response_type: 'code', client_id: pageClient.clientId, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }),
    );
    expect(loginPage.status).toBe(200);
    const form = { csrf_token: csrfOf(await loginPage.text()), username: 'alice', password: 'not-her-password' };
    const statuses: { status: number; retryAfter: string | null; html: string }[] = [];
    for (let round = 0; round < ROUNDS && !statuses.some((answer) => answer.status === 503); round++) {
      const responses = await Promise.all(Array.from({ length: BURST }, () => browser.post('/oauth/authorize/login', form)));
      for (const response of responses)
        statuses.push({ status: response.status, retryAfter: response.headers.get('retry-after'), html: await response.text() });
    }
    expect(statuses.every((answer) => answer.status === 401 || answer.status === 503)).toBe(true);
    const refused = statuses.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(answer.html).toContain('Temporarily unavailable');
    }
  });
});
