import fc from 'fast-check';
import { asText, bodyBytes, bodyPlan } from './bodies.js';
import { credentialPlan, headerPair, headerSafe } from './headers.js';
import type { Credential, FuzzContext, ParamPlan, RequestPlan } from './plan-types.js';
import type { RawRequest } from './raw-http.js';
import type { FuzzRoute } from './routes.js';
import { resolverFor, schemaValue, type JsonSchema, type SchemaResolver } from './schema-values.js';
import { encodeComponent, nastyString } from './strings.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'TRACE'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/problem+json',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/jsonx',
  '',
  ';;;',
  '*/*',
];

export function requestPlans(
  routes: FuzzRoute[],
  document: { components?: { schemas?: Record<string, JsonSchema> } },
  credentials: Record<string, Credential>,
): fc.Arbitrary<RequestPlan> {
  const resolve = resolverFor(document);
  return fc.oneof(...routes.map((route) => planFor(route, resolve, credentials)));
}

function planFor(route: FuzzRoute, resolve: SchemaResolver, credentials: Record<string, Credential>): fc.Arbitrary<RequestPlan> {
  return fc
    .record({
      route: fc.constant(`${route.method} ${route.url}`),
      method: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      params: fc.tuple(...route.params.map(() => paramPlan())),
      suffix: fc.oneof(
        { weight: 12, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('/', '//', '/x', '%2F..', '/%00', ';x', '/..%2f..') },
      ),
      query: queryPlan(route, resolve),
      credential: credentialPlan(route, credentials),
      headers: fc.array(headerPair(), { maxLength: 2 }),
      body: bodyPlan(route, resolve),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant<'matching'>('matching') },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
    })
    .map(printable);
}

/** fast-check prints the failing plan: long generated strings are clipped there (the error message has the bytes sent). */
function printable(plan: RequestPlan): RequestPlan {
  const clipped = JSON.stringify(plan, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 120 ? `${value.slice(0, 120)}…(${value.length} chars)` : value,
  );
  return Object.defineProperty(plan, fc.toStringMethod, { value: () => clipped, enumerable: false });
}

/** Path and query text stays below Node's 16 KiB limit for the request head, most of the time. */
const URL_HUGE = 1025;

/** Mostly well-formed on the wire: bytes Node's HTTP parser refuses never reach the app (a few still go out raw). */
const rarelyRaw = (): fc.Arbitrary<boolean> => fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

function paramPlan(): fc.Arbitrary<ParamPlan> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ real: fc.nat(1000) }) },
    { weight: 2, arbitrary: fc.record({ text: nastyString(40, URL_HUGE), raw: rarelyRaw() }) },
  );
}

function queryPlan(route: FuzzRoute, resolve: SchemaResolver): fc.Arbitrary<[string, string, boolean][]> {
  const declared = route.query.map((q) => q.name);
  const names =
    declared.length > 0
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...declared) }, { weight: 1, arbitrary: nastyString(10, URL_HUGE) })
      : nastyString(10, URL_HUGE);
  const value = fc.oneof(
    {
      weight: 3,
      arbitrary: route.query.length
        ? fc
            .constantFrom(...route.query)
            .chain((q) => schemaValue(q.schema, resolve))
            .map((v) => asText(v).slice(0, URL_HUGE))
        : nastyString(40, URL_HUGE),
    },
    { weight: 2, arbitrary: nastyString(40, URL_HUGE) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AE', '%FF', '[]', 'a&b=c') },
  );
  const pair = fc.tuple(
    fc.oneof({ weight: 5, arbitrary: names }, { weight: 1, arbitrary: names.map((n) => `${n}[]`) }, { weight: 1, arbitrary: names.map((n) => `${n}[a]`) }),
    value,
    rarelyRaw(),
  );
  // Repeating one pair is how a parameter ends up an array.
  return fc.oneof({ weight: 3, arbitrary: fc.array(pair, { maxLength: 4 }) }, { weight: 1, arbitrary: pair.map((p) => [p, p]) });
}

/** Turns a plan into bytes, resolving real ids, tokens and credentials from the context. */
export async function materialize(plan: RequestPlan, routes: Map<string, FuzzRoute>, context: FuzzContext): Promise<RawRequest> {
  const route = routes.get(plan.route)!;
  let index = 0;
  const path = route.url.replace(/:([A-Za-z0-9_]+)|\*/g, (_match, name: string | undefined) => {
    const choice = plan.params[index++] ?? { text: 'x', raw: false };
    if ('real' in choice) {
      const pool = name ? context.pool(route, name) : [];
      if (pool.length > 0) return encodeComponent(pool[choice.real % pool.length]);
      return encodeComponent(String(choice.real));
    }
    return encodeComponent(choice.text, choice.raw);
  });
  const query = plan.query.map(([name, value, raw]) => `${encodeComponent(name, raw)}=${encodeComponent(value, raw)}`).join('&');
  const headers: [string, string][] = [];
  const credential = 'use' in plan.credential ? context.credentials[plan.credential.use] : undefined;
  const applies = credential && (!credential.prefixes || credential.prefixes.some((p) => route.url.startsWith(p)));
  if (credential && applies) headers.push(...(await credential.headers()));
  if ('garbage' in plan.credential) headers.push(...plan.credential.garbage);
  const { body, type } = bodyBytes(plan.body, context, applies ? credential : undefined);
  const contentType = plan.contentType === 'matching' ? type : plan.contentType;
  if (contentType !== null && (body.length > 0 || plan.contentType !== 'matching')) headers.push(['content-type', contentType]);
  headers.push(...plan.headers.map(([name, value]) => [name, headerSafe(value)] as [string, string]));
  return {
    method: plan.method ?? route.method,
    target: `${path}${plan.suffix}${query ? `?${query}` : ''}`,
    headers: headers.map(([n, v]) => [n, headerSafe(v)]),
    body,
  };
}
