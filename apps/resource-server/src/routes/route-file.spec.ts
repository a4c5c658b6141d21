import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadRoutesFile } from './route-file.js';

const dir = mkdtempSync(join(tmpdir(), 'routes-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe(loadRoutesFile.name, () => {
  it('reads YAML', () => {
    const path = file(
      'routes.yaml',
      ['routes:', '  - match: { pathPrefix: /billing, methods: [GET] }', '    upstream: http://127.0.0.1:8080', '    scopes: { allOf: [billing.read] }', '  - match: { pathPrefix: /status }', '    upstream: http://127.0.0.1:8080', '    scopes: public', ''].join('\n'),
    );
    expect(loadRoutesFile(path).map((route) => [route.pathPrefix, route.scopes])).toEqual([
      ['/billing', { allOf: ['billing.read'] }],
      ['/status', 'public'],
    ]);
  });

  it('reads JSON, as {"routes": […]} or a bare list', () => {
    const route = { match: { pathPrefix: '/a' }, upstream: 'http://127.0.0.1:1', scopes: 'public' };
    expect(loadRoutesFile(file('routes.json', JSON.stringify({ routes: [route] })))).toHaveLength(1);
    expect(loadRoutesFile(file('list.json', JSON.stringify([route])))).toHaveLength(1);
  });

  it('names the file, the route and the field', () => {
    const path = file('bad.yaml', 'routes:\n  - match: { pathPrefix: /billing }\n    upstream: http://127.0.0.1:8080\n    scopes: public\n    timeout: 5\n');
    expect(() => loadRoutesFile(path)).toThrow(`Invalid RESOURCE_ROUTES_FILE ${path}:\n  routes[0] (/billing): timeout: unknown field`);
  });

  it('refuses a missing file, bad syntax, a repeated key, unknown top-level fields', () => {
    expect(() => loadRoutesFile(join(dir, 'missing.yaml'))).toThrow(/\(file\): \(file\): cannot be read/);
    expect(() => loadRoutesFile(file('syntax.json', '{"routes": ['))).toThrow(/\(file\): \(syntax\): /);
    expect(() => loadRoutesFile(file('dup.yaml', 'routes: []\nroutes: []\n'))).toThrow(/\(file\): \(syntax\): /);
    expect(() => loadRoutesFile(file('extra.yaml', 'routes: []\nversion: 2\n'))).toThrow(/\(file\): version: unknown field/);
    expect(() => loadRoutesFile(file('empty.yaml', ''))).toThrow(/\(file\): routes: expected "routes:"/);
  });
});
