import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The browser's module specifiers and the files behind them (Preact and htm, no bundler). */
const VENDOR_MODULES: Record<string, { specifier: string; file: string }> = {
  'preact.mjs': { specifier: 'preact', file: 'preact/dist/preact.mjs' },
  'hooks.mjs': { specifier: 'preact/hooks', file: 'preact/hooks/dist/hooks.mjs' },
  'htm.mjs': { specifier: 'htm', file: 'htm/dist/htm.mjs' },
  // The dashboard's charts: uPlot, plain JS without dependencies or install scripts (~50 KB).
  'uPlot.mjs': { specifier: 'uplot', file: 'uplot/dist/uPlot.esm.js' },
};

/** Vendored stylesheets, linked by the page before the console's own (which may override them). */
const VENDOR_STYLES: Record<string, string> = {
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

/** Where the console's files live: apps/console/public, found from here in src/ (tests) and in dist/. */
export function findConsoleDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'apps', 'console', 'public');
    if (existsSync(join(candidate, 'app.js'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('the web console files (apps/console/public) were not found');
}

/**
 * Every file the console serves, read once at boot into a map keyed by its URL name. Requests are
 * answered by lookup only, never by joining a request path onto the disk, so no path can escape.
 */
export function loadConsoleAssets(directory = findConsoleDirectory()): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  for (const name of listFiles(directory)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets.set(`app/${name}`, { body: readFileSync(join(directory, name)), contentType });
  }
  const require = createRequire(import.meta.url);
  for (const [name, module] of Object.entries(VENDOR_MODULES)) {
    const [packageName, ...rest] = module.file.split('/');
    const file = join(packageRoot(require, packageName), ...rest);
    assets.set(`vendor/${name}`, { body: readFileSync(file), contentType: CONTENT_TYPES['.mjs'] });
  }
  for (const [name, path] of Object.entries(VENDOR_STYLES)) {
    const [packageName, ...rest] = path.split('/');
    assets.set(`vendor/${name}`, { body: readFileSync(join(packageRoot(require, packageName), ...rest)), contentType: CONTENT_TYPES['.css'] });
  }
  return assets;
}

/** A package's folder, found on Node's module paths (htm's "exports" hides its package.json). */
function packageRoot(require: NodeRequire, name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  }
  throw new Error(`the package ${name} is not installed`);
}

/** The import map the page declares: bare specifiers to the served vendor files. */
export function consoleImportMap(): { imports: Record<string, string> } {
  const imports: Record<string, string> = {};
  for (const [name, module] of Object.entries(VENDOR_MODULES)) imports[module.specifier] = `/console/vendor/${name}`;
  return { imports };
}

/** The vendored stylesheets' URLs, for the page's <link> elements. */
export function consoleStylesheets(): string[] {
  return Object.keys(VENDOR_STYLES).map((name) => `/console/vendor/${name}`);
}

/** Files in the directory and its subdirectories, as relative POSIX paths. */
function listFiles(directory: string, prefix = ''): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(join(directory, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) names.push(...listFiles(directory, relative));
    else if (entry.isFile()) names.push(relative);
  }
  return names;
}
