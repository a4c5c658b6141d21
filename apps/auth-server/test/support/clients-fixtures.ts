import { expect } from '@jest/globals';
import pg from 'pg';
import type { RunningAuthServer } from './auth-server-harness.js';

/** Response bodies are arbitrary JSON, checked with expect() rather than by the type system. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A valid confidential client body; override what a test is about. */
export function aClient(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Billing App',
    version: '1.0',
    type: 'confidential',
    redirectUris: ['https://billing.example.com/callback'],
    grants: ['authorization_code', 'client_credentials'],
    ...overrides,
  };
}

export async function call(server: RunningAuthServer, method: string, path: string, json?: unknown): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export async function createClient(server: RunningAuthServer, overrides: Record<string, unknown> = {}): Promise<Json> {
  const { status, body } = await call(server, 'POST', '/admin/v1/clients', aClient(overrides));
  expect(status).toBe(201);
  return body;
}

/** Runs SQL against the server's own database (the assertions that matter are about what is stored). */
export async function sql<T = Record<string, unknown>>(server: RunningAuthServer, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function count(server: RunningAuthServer, table: string): Promise<number> {
  const rows = await sql<{ n: string }>(server, `SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}

export function validationProblem(errors: { field: string; message: string }[]): Record<string, unknown> {
  return { type: 'https://portcullis.dev/problems/validation', title: 'Invalid request', status: 400, detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors };
}

/** Asserts a 400 problem naming `field`, with nothing written. */
export async function expectRejected(server: RunningAuthServer, method: string, path: string, json: unknown, field: string, table = 'clients'): Promise<void> {
  const before = await count(server, table);
  const outboxBefore = await count(server, 'outbox_events');
  const { status, body, headers } = await call(server, method, path, json);
  expect({ status, field: (body?.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({ status: 400, field: expect.arrayContaining([field]) });
  expect(headers.get('content-type')).toContain('application/problem+json');
  expect(body).toMatchObject({ type: 'https://portcullis.dev/problems/validation', title: 'Invalid request', status: 400 });
  expect(await count(server, table)).toBe(before);
  expect(await count(server, 'outbox_events')).toBe(outboxBefore);
}
