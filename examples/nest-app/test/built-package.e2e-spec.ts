import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTestDatabase, eventually, freePort, TEST_RESOURCE_CLIENT, type TestDatabase } from '#testing';
import { startNodeProcess, untilOk, type BuiltAppProcess } from '#testing/built-app-process';
import type { RunningAuthServer } from '../../../apps/auth-server/test/support/auth-server-harness.js';
import { clientCredentialsToken, createStackClient } from '../../../apps/auth-server/test/support/test-clients.js';
import { startStackAuthServer } from '../../../test/support/stack-harness.js';

// Packs the lib and compiles the example with tsc (tens of seconds on 2 cores): the slow set.
jest.setTimeout(180_000);

const ROOT = process.cwd();
/** A user's project: the example's sources, its tsconfig, and the package in its node_modules. */
const PROJECT = join(ROOT, 'dist', 'example-e2e', 'nest-app');

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stdout}${result.stderr}`);
}

/** Builds @portcullis/nest-resource-guard as published (npm run pack:resource-guard) and the example against it, as a user's project would. */
function buildExampleAgainstPackage(): void {
  run(process.execPath, [join(ROOT, 'tools', 'pack-resource-guard.mjs')], ROOT);
  rmSync(PROJECT, { recursive: true, force: true });
  mkdirSync(join(PROJECT, 'node_modules', '@portcullis'), { recursive: true });
  cpSync(join(ROOT, 'examples', 'nest-app', 'src'), join(PROJECT, 'src'), { recursive: true });
  cpSync(join(ROOT, 'examples', 'nest-app', 'tsconfig.json'), join(PROJECT, 'tsconfig.json'));
  writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'nest-app', private: true, type: 'module' }));
  // What npm install of the tarball leaves; the other packages resolve from the repo's node_modules above.
  symlinkSync(join(ROOT, 'dist', 'npm', 'nest-resource-guard'), join(PROJECT, 'node_modules', '@portcullis', 'nest-resource-guard'), 'dir');
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], PROJECT);
}

/**
 * The example app as a user runs it: compiled by tsc against the built package (no path mapping,
 * no jest mapper, its types from the package's declarations), started with node, configured by
 * its environment, against the real auth server.
 */
describe('examples/nest-app built against the packed @portcullis/nest-resource-guard', () => {
  let as: RunningAuthServer;
  let database: TestDatabase;
  let notes: BuiltAppProcess;
  let url: string;

  beforeAll(async () => {
    buildExampleAgainstPackage();
    as = await startStackAuthServer();
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    notes = startNodeProcess(join(PROJECT, 'build', 'main.js'), {
      PORT: String(port),
      AUTH_ISSUER: as.baseUrl,
      RESOURCE_AUDIENCE: as.config.resourceAudience,
      DATABASE_URL: database.url,
      RESOURCE_CLIENT_ID: TEST_RESOURCE_CLIENT.clientId,
      RESOURCE_CLIENT_SECRET: TEST_RESOURCE_CLIENT.clientSecret,
    });
    await untilOk(`${url}/health`, notes);
  });

  afterAll(async () => {
    if (notes) {
      notes.child.kill('SIGTERM');
      await Promise.race([notes.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      notes.kill();
    }
    await database?.drop();
    await as?.close();
  });

  it('refuses a request without a token, and admits a token carrying the scope', async () => {
    const missing = await fetch(`${url}/notes`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${as.config.resourceAudience}/.well-known/oauth-protected-resource"`);
    const client = await createStackClient(as, 'Built Notes Reader', ['notes.read']);
    const token = await clientCredentialsToken(as, client);
    // The registry snapshot (polled without Redis) brings the new client.
    await eventually(
      async () => (await fetch(`${url}/notes`, { headers: { authorization: `Bearer ${token}` } })).status === 200,
      20_000,
      'the token to be admitted',
    );
    const listed = await fetch(`${url}/notes`, { headers: { authorization: `Bearer ${token}` } });
    expect(await listed.json()).toMatchObject({ notes: [], caller: { clientId: client.clientId, scopes: ['notes.read'] } });
  });

  it('serves its RFC 9728 metadata', async () => {
    const response = await fetch(`${url}/.well-known/oauth-protected-resource`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ resource: as.config.resourceAudience, authorization_servers: [as.baseUrl] });
  });

  it('stops on SIGTERM through its shutdown hooks, without an error', async () => {
    notes.child.kill('SIGTERM');
    // enableShutdownHooks(): Nest runs the hooks (the event consumer, the database), then re-raises the signal.
    expect(await notes.exited).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(notes.output()).not.toMatch(/error/i);
  });
});
