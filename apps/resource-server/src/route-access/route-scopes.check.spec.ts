import { describe, expect, it } from '@jest/globals';
import type { ResourceServerConfig } from '../config/resource-server.config.js';
import type { RegistryProjection, RegistrySyncService } from '#resource-guard';
import { parseRoutes } from '../routes/route-rules.js';
import { WorkerSiblings } from '../workers/worker-siblings.js';
import { RouteScopesCheck } from './route-scopes.check.js';

const routes = parseRoutes([{ match: { pathPrefix: '/billing' }, upstream: 'http://127.0.0.1:1', scopes: { anyOf: ['known', 'billing.read'] } }]);

function projection(ready: boolean, scopes: string[]): RegistryProjection {
  return { isReady: () => ready, scope: (name: string) => (scopes.includes(name) ? { name } : undefined) } as unknown as RegistryProjection;
}

function sync(resync: () => Promise<void>): RegistrySyncService {
  return { resync } as unknown as RegistrySyncService;
}

const portcullisMode = { authServerMode: 'portcullis', routes } as unknown as ResourceServerConfig;
/** One process: no siblings (outside a worker pool). */
const alone = new WorkerSiblings();

describe(RouteScopesCheck.name, () => {
  it('fails the boot naming the route and scope when the registry lacks it after a fresh snapshot', async () => {
    let resyncs = 0;
    const check = new RouteScopesCheck(projection(true, ['known']), sync(async () => void resyncs++), portcullisMode, alone);
    await expect(check.onApplicationBootstrap()).rejects.toThrow('routes[0] (/billing): scopes.anyOf[1]: "billing.read" is not a scope of the registry');
    expect(resyncs).toBe(1);
  });

  it('starts when the fresh snapshot has the scope the stored registry lacked, or cannot be had', async () => {
    const scopes = ['known'];
    const check = new RouteScopesCheck(projection(true, scopes), sync(async () => void scopes.push('billing.read')), portcullisMode, alone);
    await expect(check.onApplicationBootstrap()).resolves.toBeUndefined();
    const unreachable = new RouteScopesCheck(
      projection(true, ['known']),
      sync(async () => {
        throw new Error('auth server unreachable');
      }),
      portcullisMode,
      alone,
    );
    await expect(unreachable.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(unreachable.problem()).toContain('"billing.read" is not a scope of the registry');
  });

  it('waits for the registry: nothing to say before it is loaded, then readiness names the problem', async () => {
    const scopes = ['known'];
    let ready = false;
    const noResync = sync(() => Promise.reject(new Error('not expected')));
    const check = new RouteScopesCheck({ isReady: () => ready, scope: (name: string) => (scopes.includes(name) ? { name } : undefined) } as unknown as RegistryProjection, noResync, portcullisMode, alone);
    await expect(check.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(check.problem()).toBeUndefined();
    ready = true;
    expect(check.problem()).toContain('"billing.read" is not a scope of the registry');
    scopes.push('billing.read');
    expect(check.problem()).toBeUndefined();
  });

  it('is satisfied when every scope is defined', () => {
    expect(new RouteScopesCheck(projection(true, ['known', 'billing.read']), sync(async () => undefined), portcullisMode, alone).problem()).toBeUndefined();
  });

  it('leaves the boot to the leader at a follower of RESOURCE_WORKERS, and reports through readiness', async () => {
    const follower = { follower: true } as WorkerSiblings;
    const check = new RouteScopesCheck(projection(true, ['known']), sync(() => Promise.reject(new Error('a follower loads no snapshot'))), portcullisMode, follower);
    await expect(check.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(check.problem()).toContain('"billing.read" is not a scope of the registry');
  });

  it('checks nothing with AUTH_SERVER_MODE=external: no scopes are synced from another authorization server', async () => {
    const external = new RouteScopesCheck(projection(true, []), sync(async () => undefined), { authServerMode: 'external', routes } as unknown as ResourceServerConfig, alone);
    await expect(external.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(external.problem()).toBeUndefined();
  });
});
