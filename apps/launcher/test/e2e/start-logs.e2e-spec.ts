import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApps, startBuiltApp, type BuiltAppProcess } from '#testing/built-app-process';
import { eventually, freePort } from '#testing';

/**
 * `npm start` as a developer runs it (both apps in one process, embedded PGlite), with its
 * output piped: what it prints at the default level is JSON, one object per line, without Nest's
 * route-mapping chatter or the data-source warning both apps in one process used to cause.
 */
describe('the launcher start-up output (built, piped stdout, default LOG_LEVEL)', () => {
  let launcher: BuiltAppProcess;
  let dataDir: string;

  beforeAll(async () => {
    await buildApps();
    dataDir = mkdtempSync(join(tmpdir(), 'portcullis-launcher-'));
    const [authPort, resourcePort] = [await freePort(), await freePort()];
    launcher = startBuiltApp('launcher', {
      DATA_DIR: dataDir,
      AUTH_PORT: String(authPort),
      AUTH_HOST: '127.0.0.1',
      AUTH_ISSUER: `http://127.0.0.1:${authPort}`,
      RESOURCE_PORT: String(resourcePort),
      RESOURCE_HOST: '127.0.0.1',
      RESOURCE_AUDIENCE: `http://127.0.0.1:${resourcePort}`,
    });
    // The banner prints once both apps listen (the registry's event consumer is no Nest microservice
    // since libs/resource-guard, so there is no "Nest microservice successfully started" line to wait for).
    const started = () => launcher.output().includes('Portcullis is running');
    await eventually(() => started() || launcher.child.exitCode !== null, 180_000, 'the launcher to start both apps');
    if (!started()) throw new Error(`the launcher exited (${launcher.child.exitCode}):\n${launcher.output()}`);
  }, 300_000);

  afterAll(async () => {
    if (launcher && launcher.child.exitCode === null) {
      launcher.child.kill('SIGTERM');
      await Promise.race([launcher.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      launcher.kill();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The log lines: everything but the launcher's own banner (plain console.log text). */
  function logLines(): Record<string, unknown>[] {
    return launcher
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('started both apps and writes JSON lines when stdout is not a terminal', () => {
    const lines = logLines();
    expect(lines.some((line) => line.app === 'auth-server' && line.msg === 'Nest application successfully started')).toBe(true);
    expect(lines.some((line) => line.app === 'resource-server' && line.msg === 'Nest application successfully started')).toBe(true);
  });

  it('logs no route mapping (RouterExplorer, RoutesResolver) or module loading at the default level', () => {
    const chatter = logLines().filter((line) => ['RouterExplorer', 'RoutesResolver', 'InstanceLoader'].includes(String(line.context)));
    expect(chatter).toEqual([]);
    expect(launcher.output()).not.toMatch(/Mapped \{/);
  });

  it('logs no "data source with the default name is already registered" warning', () => {
    expect(launcher.output()).not.toMatch(/already registered/);
    expect(logLines().filter((line) => line.context === 'DataSourceNameRegistry')).toEqual([]);
  });
});
