import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { AllExceptionsFilter } from '#errors';
import { InvalidClient, InvalidRequest } from '#oauth';
import { plainOAuthHandler } from './plain-oauth-route.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
});

/** A Fastify app with one OAuth route (at the token route's path), answered by `handle`, errors through the app's filter. */
async function serve(handle: () => Promise<unknown>): Promise<{ inject: (options: object) => Promise<Answer> }> {
  app = Fastify();
  app.post(
    '/oauth/token',
    plainOAuthHandler(handle, () => new AllExceptionsFilter()),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    inject: async () => {
      const response = await fetch(`${url}/oauth/token`, { method: 'POST' });
      const body = await response.text();
      return { statusCode: response.status, headers: Object.fromEntries(response.headers), body, json: () => JSON.parse(body) };
    },
  };
}

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json: () => { error?: string } & Record<string, unknown>;
}

describe('plainOAuthHandler', () => {
  it('answers 200 with the endpoint JSON and no-store headers', async () => {
    const server = await serve(async () => ({ access_token: 'a', token_type: 'Bearer' }));
    const response = await server.inject({ method: 'POST', url: '/oauth/token' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ access_token: 'a', token_type: 'Bearer' });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('renders errors as the global filter does: OAuth JSON, its status and challenge, no-store', async () => {
    const server = await serve(async () => {
      throw new InvalidClient('client authentication failed', true);
    });
    const response = await server.inject({ method: 'POST', url: '/oauth/token' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect(response.headers['www-authenticate']).toMatch(/^Basic/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
  });

  it('never leaks an unexpected failure: 500 server_error', async () => {
    const server = await serve(async () => {
      throw new TypeError('boom at /work/x.ts:1:1');
    });
    const response = await server.inject({ method: 'POST', url: '/oauth/token' });
    expect(response.statusCode).toBe(500);
    expect(response.json().error).toBe('server_error');
    expect(response.body).not.toContain('boom');
  });

  it('keeps a 400 a 400', async () => {
    const server = await serve(async () => {
      throw new InvalidRequest('the parameter grant_type is missing');
    });
    const response = await server.inject({ method: 'POST', url: '/oauth/token' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'the parameter grant_type is missing' });
  });
});
