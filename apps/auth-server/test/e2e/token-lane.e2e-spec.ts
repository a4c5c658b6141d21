import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { metricValue } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { basic, createClient, type TestClient } from '../support/token-fixtures.js';
import { tokenLaneOf } from '../../src/bootstrap.js';
import type { TokenLane } from '../../src/token/token-lane.js';

/** The form media type the lane takes, and one (a charset parameter) it leaves to Fastify's route. */
const LANE_TYPE = 'application/x-www-form-urlencoded';
const ROUTE_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** What a client can observe of an answer, less the values that differ on every call (tokens, request ids). */
interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: Record<string, unknown>;
}

const COMPARED_HEADERS = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'retry-after', 'x-request-id'];

/**
 * POST /oauth/token through the token lane (before Fastify) and through Fastify's route must be
 * indistinguishable: every case is sent both ways and the answers compared, and the lane must have
 * taken exactly the requests it should.
 */
describe('the token lane answers POST /oauth/token as the Fastify route does', () => {
  let server: RunningAuthServer;
  let client: TestClient;
  let lane: TokenLane;

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { grants: ['client_credentials'] });
    lane = tokenLaneOf(server.app)!;
    expect(lane).toBeDefined();
  });
  afterAll(async () => {
    await server.close();
  });

  async function post(contentType: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${server.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': contentType, 'x-request-id': 'lane-case', ...headers }, body });
    const text = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)])),
      body: JSON.parse(text) as Record<string, unknown>,
    };
  }

  /** The same request both ways; the lane must take the first only. */
  async function bothWays(body: string, headers: Record<string, string> = {}): Promise<[Answer, Answer]> {
    const taken = lane.requestsTaken;
    const viaLane = await post(LANE_TYPE, body, headers);
    expect(lane.requestsTaken).toBe(taken + 1);
    const viaRoute = await post(ROUTE_TYPE, body, headers);
    expect(lane.requestsTaken).toBe(taken + 1);
    return [viaLane, viaRoute];
  }

  const authorization = () => ({ authorization: basic(client.clientId, client.secret) });

  it('issues the same token response', async () => {
    const [viaLane, viaRoute] = await bothWays('grant_type=client_credentials&scope=read', authorization());
    expect(viaLane.status).toBe(200);
    const shape = (answer: Answer) => ({ ...answer, body: { ...answer.body, access_token: typeof answer.body.access_token } });
    expect(shape(viaLane)).toEqual(shape(viaRoute));
    expect(viaLane.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache', 'x-request-id': 'lane-case', 'content-type': 'application/json; charset=utf-8' });
  });

  it.each([
    ['a wrong secret (Basic challenge)', 'grant_type=client_credentials', () => ({ authorization: basic(client.clientId, 'wrong-secret') })],
    ['no grant_type', 'scope=read', authorization],
    ['an unsupported grant_type', 'grant_type=urn:example:nothing', authorization],
    ['a repeated parameter', 'grant_type=client_credentials&scope=read&scope=write', authorization],
    ['two resources', 'grant_type=client_credentials&resource=https://a.example&resource=https://b.example', authorization],
    ['a __proto__ key', 'grant_type=client_credentials&__proto__=x', authorization],
    ['malformed percent-encoding', 'grant_type=client_credentials&scope=%E0%A4%A', authorization],
    ['an unknown scope', 'grant_type=client_credentials&scope=nope', authorization],
    ['a DPoP header that is no proof', 'grant_type=client_credentials', () => ({ ...authorization(), dpop: 'not-a-proof' })],
    ['no client authentication', 'grant_type=client_credentials', () => ({})],
  ])('refuses %s with the same answer', async (_case, body, headers) => {
    const [viaLane, viaRoute] = await bothWays(body, headers());
    expect(viaLane.status).toBeGreaterThanOrEqual(400);
    expect(viaLane).toEqual(viaRoute);
  });

  it('leaves to Fastify what the route alone answers: a query, another media type, no body, a chunked body', async () => {
    const taken = lane.requestsTaken;
    const form = 'grant_type=client_credentials';
    const answers = [
      await fetch(`${server.baseUrl}/oauth/token?x=1`, { method: 'POST', headers: { 'content-type': LANE_TYPE, ...authorization() }, body: form }),
      await fetch(`${server.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization() }, body: '{}' }),
      await fetch(`${server.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': LANE_TYPE, ...authorization() } }),
      await fetch(`${server.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': LANE_TYPE, ...authorization() },
        body: new Blob([form]).stream(),
        duplex: 'half',
      } as RequestInit),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 400, 400, 200]);
    expect(lane.requestsTaken).toBe(taken);
  });

  it('counts its answers in the metrics as the route does (both report to TokenAnswers)', async () => {
    const metrics = async () => (await server.request('/metrics')).text();
    const issued = (text: string) => metricValue(text, 'oauth_tokens_issued_total{grant="client_credentials"}');
    const refused = (text: string) => metricValue(text, 'oauth_token_errors_total{error="invalid_client"}');
    const before = await metrics();
    for (const type of [LANE_TYPE, ROUTE_TYPE]) {
      await post(type, 'grant_type=client_credentials', authorization());
      await post(type, 'grant_type=client_credentials', { authorization: basic(client.clientId, 'wrong-secret') });
    }
    const after = await metrics();
    expect(issued(after) - issued(before)).toBe(2);
    expect(refused(after) - refused(before)).toBe(2);
    expect(after).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/oauth\/token",status_class="2xx"\} \d+$/m);
  });
});
