import { isScopeName } from '#oauth';
import { DEFAULT_TIMEOUT_MS, describeRoute, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, ROUTE_METHODS, type Route, type ScopeRule } from './route.js';

/** One thing wrong with a route: which route, which field, what. */
export interface RouteFieldError {
  /** "routes[2] (/billing)", or "routes[2]" when the prefix itself is unusable. */
  route: string;
  /** Dotted path inside the route: "upstream", "match.pathPrefix", "scopes.allOf[1]". */
  field: string;
  message: string;
}

/** Every error of a set of routes at once, one line each, so a broken file is fixed in one pass. */
export class InvalidRoutesError extends Error {
  constructor(
    readonly errors: readonly RouteFieldError[],
    source = 'routes',
  ) {
    super(`Invalid ${source}:\n${errors.map((error) => `  ${error.route}: ${error.field}: ${error.message}`).join('\n')}`);
    this.name = 'InvalidRoutesError';
  }
}

const ROUTE_FIELDS = new Set(['match', 'upstream', 'stripPrefix', 'scopes', 'timeoutMs', 'websocket', 'clientBasic', 'resource']);
const MATCH_FIELDS = new Set(['pathPrefix', 'methods']);
const MAX_PREFIX_LENGTH = 1024;
/** Segments of RFC 3986 pchar without '%' (prefixes are written decoded) and ';' (never matched, see request-path.ts). */
const PREFIX_SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,=:@]+$/;

/**
 * Validates raw routes (parsed JSON or YAML) into Routes, or throws InvalidRoutesError listing
 * every unknown field, bad value and conflict. The registry's scopes are checked apart
 * (unknownRouteScopes): they are known only once the registry is loaded.
 */
export function parseRoutes(raw: unknown, source?: string): Route[] {
  const errors: RouteFieldError[] = [];
  if (!Array.isArray(raw)) throw new InvalidRoutesError([{ route: 'routes', field: '(root)', message: 'expected a list of routes' }], source);
  const routes = raw.flatMap((item, index) => {
    const route = parseRoute(item, index, errors);
    return route ? [route] : [];
  });
  errors.push(...routeConflicts(routes));
  if (errors.length > 0) throw new InvalidRoutesError(errors, source);
  return routes;
}

function parseRoute(raw: unknown, index: number, errors: RouteFieldError[]): Route | undefined {
  const before = errors.length;
  let name = `routes[${index}]`;
  const fail = (field: string, message: string) => errors.push({ route: name, field, message });
  if (!isObject(raw)) {
    fail('(route)', 'expected an object');
    return undefined;
  }
  const match = raw.match;
  let pathPrefix = '/';
  let methods: string[] | undefined;
  if (!isObject(match)) fail('match', 'expected an object with pathPrefix');
  else {
    const prefix = parsePathPrefix(match.pathPrefix);
    if (typeof prefix === 'string') {
      pathPrefix = prefix;
      name = describeRoute({ index, pathPrefix });
    } else fail('match.pathPrefix', prefix.error);
    for (const field of Object.keys(match)) if (!MATCH_FIELDS.has(field)) fail(`match.${field}`, 'unknown field');
    if (match.methods !== undefined) methods = parseMethods(match.methods, (message) => fail('match.methods', message));
  }
  for (const field of Object.keys(raw)) if (!ROUTE_FIELDS.has(field)) fail(field, 'unknown field');
  const upstream = parseUpstream(raw.upstream, (message) => fail('upstream', message));
  const scopes = parseScopeRule(raw.scopes, fail);
  const stripPrefix = optionalBoolean(raw.stripPrefix, false, (message) => fail('stripPrefix', message));
  const websocket = optionalBoolean(raw.websocket, false, (message) => fail('websocket', message));
  const clientBasic = optionalBoolean(raw.clientBasic, false, (message) => fail('clientBasic', message));
  // A public route admits anyone: client credentials there would be checked for nothing.
  if (clientBasic && scopes === 'public') fail('clientBasic', 'a public route takes no credentials: give it scopes, or leave clientBasic out');
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (raw.timeoutMs !== undefined) {
    if (typeof raw.timeoutMs !== 'number' || !Number.isInteger(raw.timeoutMs) || raw.timeoutMs < MIN_TIMEOUT_MS || raw.timeoutMs > MAX_TIMEOUT_MS) {
      fail('timeoutMs', `expected a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`);
    } else timeoutMs = raw.timeoutMs;
  }
  const resource = raw.resource === undefined ? undefined : parseResource(raw.resource, (message) => fail('resource', message));
  if (errors.length > before || upstream === undefined || scopes === undefined) return undefined;
  return { index, pathPrefix, methods, upstream, stripPrefix, scopes, timeoutMs, websocket, clientBasic, ...(resource === undefined ? {} : { resource }) };
}

/** A prefix is written as whole, decoded segments: "/billing", "/v1/reports"; "/" covers everything. */
function parsePathPrefix(raw: unknown): string | { error: string } {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return { error: 'expected a path starting with "/"' };
  if (raw.length > MAX_PREFIX_LENGTH) return { error: `at most ${MAX_PREFIX_LENGTH} characters` };
  const trimmed = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (trimmed === '/') return trimmed;
  const segments = trimmed.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return { error: 'empty segment ("//")' };
    if (segment === '.' || segment === '..') return { error: 'dot segments ("." or "..") are not allowed' };
    if (!PREFIX_SEGMENT.test(segment)) return { error: `segment "${segment}" has characters a prefix may not use (% ; ? # \\ space, non-ASCII)` };
  }
  return trimmed;
}

function parseMethods(raw: unknown, fail: (message: string) => void): string[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    fail('expected a non-empty list of methods');
    return undefined;
  }
  const methods = new Set<string>();
  for (const method of raw) {
    const upper = typeof method === 'string' ? method.toUpperCase() : undefined;
    if (upper === undefined || !(ROUTE_METHODS as readonly string[]).includes(upper)) {
      fail(`${JSON.stringify(method)} is not one of ${ROUTE_METHODS.join(', ')}`);
      return undefined;
    }
    methods.add(upper);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

function parseUpstream(raw: unknown, fail: (message: string) => void): string | undefined {
  if (typeof raw !== 'string') {
    fail('expected an http:// or https:// URL');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`${JSON.stringify(raw)} is not a URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`${JSON.stringify(raw)}: only http:// and https:// upstreams`);
  else if (url.username !== '' || url.password !== '') fail('credentials in the URL are not allowed');
  else if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) fail('no query or fragment');
  else return url.href.replace(/\/$/, '');
  return undefined;
}

/** RFC 8707 §2: an absolute URI without a fragment; kept as written, since `aud` is compared as a string. */
function parseResource(raw: unknown, fail: (message: string) => void): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_PREFIX_LENGTH) {
    fail('expected the absolute URI of a registered resource');
    return undefined;
  }
  try {
    new URL(raw);
  } catch {
    fail(`${JSON.stringify(raw)} is not an absolute URI`);
    return undefined;
  }
  if (raw.includes('#')) fail('a resource has no fragment');
  else return raw;
  return undefined;
}

function parseScopeRule(raw: unknown, fail: (field: string, message: string) => void): ScopeRule | undefined {
  if (raw === 'public') return 'public';
  const expected = 'expected "public", {"allOf": [scopes]} or {"anyOf": [scopes]}';
  if (!isObject(raw)) {
    fail('scopes', expected);
    return undefined;
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1 || (keys[0] !== 'allOf' && keys[0] !== 'anyOf')) {
    for (const key of keys) if (key !== 'allOf' && key !== 'anyOf') fail(`scopes.${key}`, 'unknown field');
    if (keys.length !== 1) fail('scopes', expected);
    return undefined;
  }
  const kind = keys[0];
  const list = raw[kind];
  if (!Array.isArray(list)) {
    fail(`scopes.${kind}`, 'expected a list of scope names');
    return undefined;
  }
  // anyOf of nothing could never be satisfied; allOf of nothing is "any valid token".
  if (kind === 'anyOf' && list.length === 0) {
    fail('scopes.anyOf', 'at least one scope');
    return undefined;
  }
  let valid = true;
  list.forEach((scope, i) => {
    if (typeof scope !== 'string' || !isScopeName(scope)) {
      fail(`scopes.${kind}[${i}]`, `${JSON.stringify(scope)} is not a scope name`);
      valid = false;
    }
  });
  if (!valid) return undefined;
  const scopes = [...new Set(list as string[])];
  return kind === 'allOf' ? { allOf: scopes } : { anyOf: scopes };
}

function optionalBoolean(raw: unknown, fallback: boolean, fail: (message: string) => void): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') fail('expected true or false');
  return raw === true;
}

/**
 * Two routes on one prefix whose methods meet must say the same thing, or which one applies would
 * depend on their order in the file. Each route is checked against the ones before it.
 */
export function routeConflicts(routes: readonly Route[]): RouteFieldError[] {
  const errors: RouteFieldError[] = [];
  routes.forEach((route, i) => {
    const earlier = routes.slice(0, i).find((other) => other.pathPrefix === route.pathPrefix && methodsMeet(other, route) && !sameRule(other, route));
    if (earlier) {
      errors.push({
        route: describeRoute(route),
        field: 'match',
        message: `overlaps ${describeRoute(earlier)} on the same prefix and methods (${sharedMethods(earlier, route)}) with different rules`,
      });
    }
  });
  return errors;
}

function methodsMeet(a: Route, b: Route): boolean {
  return sharedMethods(a, b) !== '';
}

function sharedMethods(a: Route, b: Route): string {
  if (a.methods === undefined && b.methods === undefined) return 'every method';
  if (a.methods === undefined) return b.methods!.join(', ');
  if (b.methods === undefined) return a.methods.join(', ');
  return a.methods.filter((method) => b.methods!.includes(method)).join(', ');
}

function sameRule(a: Route, b: Route): boolean {
  return (
    a.upstream === b.upstream &&
    a.resource === b.resource &&
    a.stripPrefix === b.stripPrefix &&
    a.timeoutMs === b.timeoutMs &&
    a.websocket === b.websocket &&
    a.clientBasic === b.clientBasic &&
    JSON.stringify(a.scopes) === JSON.stringify(b.scopes)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
