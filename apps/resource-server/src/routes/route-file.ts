import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Route } from './route.js';
import { InvalidRoutesError, parseRoutes } from './route-rules.js';

/**
 * RESOURCE_ROUTES_FILE: `routes:` (a list) in YAML, or the same as JSON (`{"routes": […]}` or a
 * bare list). JSON is read by JSON.parse for a .json file, YAML otherwise (a superset of JSON).
 * Throws InvalidRoutesError naming the file, each faulty route and field.
 */
export function loadRoutesFile(path: string): Route[] {
  const source = `RESOURCE_ROUTES_FILE ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidRoutesError([{ route: '(file)', field: '(file)', message: `cannot be read: ${(error as Error).message}` }], source);
  }
  let document: unknown;
  try {
    // uniqueKeys: a repeated key in YAML is an error, never "the last one wins" silently.
    document = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, maxAliasCount: 0 });
  } catch (error) {
    throw new InvalidRoutesError([{ route: '(file)', field: '(syntax)', message: (error as Error).message.split('\n')[0] }], source);
  }
  return parseRoutes(routesOf(document, source), source);
}

function routesOf(document: unknown, source: string): unknown {
  if (Array.isArray(document)) return document;
  if (typeof document === 'object' && document !== null) {
    const unknown = Object.keys(document).filter((key) => key !== 'routes');
    if (unknown.length > 0) throw new InvalidRoutesError(unknown.map((key) => ({ route: '(file)', field: key, message: 'unknown field' })), source);
    if ('routes' in document) return document.routes;
  }
  throw new InvalidRoutesError([{ route: '(file)', field: 'routes', message: 'expected "routes:" with a list of routes' }], source);
}
