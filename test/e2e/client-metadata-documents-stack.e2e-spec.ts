import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InProcessEventBus } from '#sync';
import { eventually } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, pkcePair, tokenRequest } from '../../apps/auth-server/test/support/authorize-flow.helpers.js';
import { adminOk } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';

// Two real apps on PGlite (no TEST_DATABASE_URL) boot in several seconds.
jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1:49153/callback';

/**
 * A client resolved through its metadata document is a client the resource servers know (its
 * registry row travels as client.upserted): its access token is admitted, and an admin's
 * deactivation reaches them as for any client.
 */
describe('client ID metadata documents across the stack', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  let documents: Server;
  let clientId: string;

  beforeAll(async () => {
    documents = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: clientId, client_name: 'Stack Agent', redirect_uris: [REDIRECT], scope: 'read' }));
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    clientId = `http://127.0.0.1:${(documents.address() as AddressInfo).port}/agent.json`;
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus });
    await rs.waitUntilReady(20_000);
    await adminOk(as, 'POST', '/admin/v1/scopes', { name: 'read', description: 'Read' });
    await adminOk(as, 'PATCH', '/admin/v1/settings', { clientIdMetadataDocuments: true, clientIdMetadataDocumentHosts: ['http://127.0.0.1:*'] });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // SettingsService caches a read for 1 s.
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
    documents?.closeAllConnections();
    await new Promise((resolve) => documents.close(resolve));
  });

  it('issues through the code flow a token the resource server admits, until an admin deactivates the client', async () => {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'read', state: 'st', code_challenge: challenge, code_challenge_method: 'S256' });
    const { location } = await authorizeThroughPages(as, path, TEST_ADMIN);
    const code = codeFrom(location, REDIRECT, 'st');
    const tokens = await tokenRequest(as, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { clientId });
    expect(tokens.status).toBe(200);
    const accessToken = tokens.body.access_token!;
    await eventually(async () => (await probe(rs, accessToken)).status === 200, 5000, 'the document client to be known at the resource server');

    await adminOk(as, 'PATCH', `/admin/v1/clients/${encodeURIComponent(clientId)}`, { active: false });
    await eventually(async () => (await probe(rs, accessToken)).status === 401, 5000, 'the deactivation to reach the resource server');
    expect(await probe(rs, accessToken)).toEqual({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN_CHALLENGE) });
  });
});
