import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { consoleImportMap, loadConsoleAssets } from './console-assets.js';
import { renderConsolePage } from './console-page.js';

describe('console page', () => {
  const config = { issuer: 'https://auth.example.com', resourceServerUrl: 'https://api.example.com/base', clientId: 'portcullis-console' };

  it('allows exactly its import map as inline script, by hash', () => {
    const page = renderConsolePage(config);
    const importMap = JSON.stringify(consoleImportMap());
    expect(page.html).toContain(`<script type="importmap">${importMap}</script>`);
    const hash = createHash('sha256').update(importMap).digest('base64');
    expect(page.headers['content-security-policy']).toContain(`script-src 'self' 'sha256-${hash}';`);
  });

  it('lets the page call this server and the resource server origin only', () => {
    const csp = renderConsolePage(config).headers['content-security-policy'];
    expect(csp).toContain("connect-src 'self' https://api.example.com;");
    expect(renderConsolePage({ ...config, resourceServerUrl: 'not a url' }).headers['content-security-policy']).toContain("connect-src 'self';");
  });

  it('links the vendored stylesheets before its own, and maps uplot for the dashboard', () => {
    const page = renderConsolePage(config);
    expect(page.html).toContain('<link rel="stylesheet" href="/console/vendor/uPlot.min.css">\n<link rel="stylesheet" href="/console/app/console.css">');
    expect(consoleImportMap().imports.uplot).toBe('/console/vendor/uPlot.mjs');
  });

  it('escapes its configuration into an attribute', () => {
    const page = renderConsolePage({ ...config, clientId: '"><script>alert(1)</script>' });
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).toContain('&quot;&gt;&lt;script&gt;');
  });
});

describe('console assets', () => {
  it('holds the app files and the vendor modules, keyed by URL name only', () => {
    const assets = loadConsoleAssets();
    expect(assets.get('app/app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('app/console.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('vendor/preact.mjs')?.body.length).toBeGreaterThan(1000);
    expect(assets.get('vendor/uPlot.mjs')?.body.toString()).toContain('export { uPlot as default }');
    expect(assets.get('vendor/uPlot.min.css')?.contentType).toBe('text/css; charset=utf-8');
    expect([...assets.keys()].every((key) => /^(app|vendor)\/[\w.-]+$/.test(key))).toBe(true);
  });
});
