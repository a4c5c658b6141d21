import { createHash } from 'node:crypto';
import { consoleImportMap, consoleStylesheets } from './console-assets.js';

export interface ConsolePageConfig {
  /** AUTH_ISSUER: the console's redirect URI is registered under this origin only. */
  issuer: string;
  /** Where the resource server's admin API is (its RESOURCE_AUDIENCE); the page may call it. */
  resourceServerUrl: string;
  clientId: string;
}

export interface ConsolePage {
  html: string;
  headers: Record<string, string>;
}

/**
 * The single HTML page of the console. The only inline script is the import map, allowed by its
 * hash; everything else comes from /console. The API calls go to this origin and to the resource
 * server's origin only.
 */
export function renderConsolePage(config: ConsolePageConfig): ConsolePage {
  const importMap = JSON.stringify(consoleImportMap());
  const hash = createHash('sha256').update(importMap, 'utf8').digest('base64');
  const settings = escapeAttribute(JSON.stringify(config));
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portcullis console</title>
<link rel="icon" href="data:,">
${consoleStylesheets()
  .map((href) => `<link rel="stylesheet" href="${href}">\n`)
  .join('')}<link rel="stylesheet" href="/console/app/console.css">
<script type="importmap">${importMap}</script>
<script type="module" src="/console/app/app.js"></script>
</head>
<body>
<div id="app" data-config="${settings}"><p class="loading">Loading the console…</p></div>
<noscript>The Portcullis console needs JavaScript.</noscript>
</body>
</html>
`;
  const connect = ["'self'", originOf(config.resourceServerUrl)].filter(Boolean).join(' ');
  return {
    html,
    headers: {
      'content-security-policy': `default-src 'none'; script-src 'self' 'sha256-${hash}'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'x-frame-options': 'DENY',
      // The callback URL carries the authorization code: never leak it in a Referer.
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
