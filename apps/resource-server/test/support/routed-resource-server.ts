import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from './fake-auth-server.js';
import { startTestResourceServer, type RunningResourceServer, type TestResourceServerOptions } from './resource-server-harness.js';

export interface RoutedResourceServer {
  rs: RunningResourceServer;
  authServer: FakeAuthServer;
  close(): Promise<void>;
}

/**
 * A resource server with RESOURCE_ROUTES_FILE (the given YAML route lines, in a temporary folder
 * of its own) in front of a fake auth server with the default registry, ready to decide. `more`:
 * further environment and config overrides (a log level and destination, say).
 */
export async function startRoutedResourceServer(
  routeLines: string[],
  more: Pick<TestResourceServerOptions, 'env' | 'overrides'> = {},
): Promise<RoutedResourceServer> {
  const dir = mkdtempSync(join(tmpdir(), 'routes-'));
  const routesFile = join(dir, 'routes.yaml');
  writeFileSync(routesFile, ['routes:', ...routeLines, ''].join('\n'));
  const authServer = await startFakeAuthServer();
  authServer.snapshot = registrySnapshot();
  const rs = await startTestResourceServer({
    issuer: authServer.issuer,
    env: { RESOURCE_AUDIENCE: AUDIENCE, RESOURCE_ROUTES_FILE: routesFile, ...more.env },
    overrides: more.overrides,
  });
  await rs.waitUntilReady();
  return {
    rs,
    authServer,
    async close() {
      await rs.close();
      await authServer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
