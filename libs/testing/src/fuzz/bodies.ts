import fc from 'fast-check';
import type { BodyPlan, Credential, FuzzContext } from './plan-types.js';
import type { FuzzRoute } from './routes.js';
import { schemaValue, wrongValue, type JsonSchema, type SchemaResolver } from './schema-values.js';
import { encodeComponent, hugeString, nastyString } from './strings.js';

/** Form fields of the OAuth endpoints (RFC 6749, 7009, 7636, 7662) and of the login and consent pages. */
const OAUTH_FIELDS: Record<string, string[]> = {
  grant_type: ['client_credentials', 'authorization_code', 'refresh_token', 'password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code'],
  scope: ['read', 'write', 'admin', 'read write', 'rs.admin', 'reports.read reports.write', 'read  read'],
  token: [],
  token_type_hint: ['access_token', 'refresh_token', 'authorization_code'],
  client_id: [],
  client_secret: [],
  code: [],
  redirect_uri: ['https://app.example/cb', 'https://app.example.com/callback'],
  code_verifier: ['a'.repeat(43), 'a'.repeat(129)],
  refresh_token: [],
  username: ['admin', 'fuzz-user'],
  password: ['admin-password-for-tests', 'wrong'],
  response_type: ['code', 'token', 'id_token', 'code token'],
  state: ['xyz'],
  code_challenge: ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'],
  code_challenge_method: ['S256', 'plain'],
  csrf_token: [],
  decision: ['allow', 'deny'],
};

export function bodyPlan(route: FuzzRoute, resolve: SchemaResolver): fc.Arbitrary<BodyPlan> {
  const json = route.jsonBody ? schemaValue(route.jsonBody, resolve) : fc.jsonValue({ maxDepth: 3 });
  const formFields = route.formBody ? Object.keys(resolve(route.formBody).properties ?? {}) : Object.keys(OAUTH_FIELDS);
  const formValueArb = fc.oneof(
    { weight: 2, arbitrary: nastyString() },
    { weight: 2, arbitrary: fc.nat(99).map((n) => `\u0001real:${n}`) },
    { weight: 2, arbitrary: fc.nat(99).map((n) => `\u0001known:${n}`) },
  );
  const formPair = fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...formFields) }, { weight: 1, arbitrary: nastyString(10) }), formValueArb);
  const randomPairs = fc.array(formPair, { maxLength: 6 });
  // Shaped after the declared form: each field present or not, with a documented, real or random value.
  const shapedPairs = route.formBody ? shapedForm(resolve(route.formBody), resolve, formPair) : randomPairs;
  const form = fc.record({
    kind: fc.constant('form' as const),
    pairs: fc.oneof({ weight: 3, arbitrary: shapedPairs }, { weight: 1, arbitrary: randomPairs }),
    withClientCredentials: fc.boolean(),
  });
  const prefersForm = route.url.startsWith('/oauth/') || route.formBody !== undefined;
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: prefersForm ? 2 : 6, arbitrary: json.map((value) => ({ kind: 'json' as const, value })) },
    { weight: prefersForm ? 6 : 1, arbitrary: form },
    { weight: 2, arbitrary: malformedText().map((text) => ({ kind: 'text' as const, text })) },
    { weight: prefersForm ? 2 : 1, arbitrary: malformedForm().map((text) => ({ kind: 'rawForm' as const, text })) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  );
}

/** Bodies no JSON or form parser should choke on with anything but a 4xx. */
function malformedText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '{',
      '{"a":}',
      '[1,2',
      '{"a":1}garbage',
      '\uFEFF{}',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"a":1,"a":2}',
      'null',
      '"text"',
      '1e999',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
    ),
    fc.integer({ min: 1000, max: 6000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc.integer({ min: 1000, max: 6000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    hugeString().map((s) => JSON.stringify({ name: s, version: s, description: s })),
    nastyString(),
    wrongValue().map((v) => JSON.stringify(v) ?? 'undefined'),
  );
}

function shapedForm(schema: JsonSchema, resolve: SchemaResolver, extra: fc.Arbitrary<[string, string]>): fc.Arbitrary<[string, string][]> {
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const value = fc.oneof(
      { weight: 3, arbitrary: schemaValue(property, resolve).map((v) => asText(v)) },
      { weight: 3, arbitrary: fc.nat(99).map((n) => `\u0001real:${n}`) },
      { weight: 2, arbitrary: fc.nat(99).map((n) => `\u0001known:${n}`) },
    );
    const present = schema.required?.includes(name) ? 5 : 1;
    return fc.oneof(
      { weight: present, arbitrary: value.map((v) => [[name, v]] as [string, string][]) },
      { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
    );
  });
  return fc.tuple(fc.tuple(...fields), fc.array(extra, { maxLength: 2 })).map(([present, more]) => [...present.flat(), ...more]);
}

/** Form bodies as typed, with the percent-encoding and repetition mistakes a form parser meets. */
function malformedForm(): fc.Arbitrary<string> {
  const known = Object.entries(OAUTH_FIELDS).flatMap(([name, values]) => values.map((value) => `${name}=${encodeComponent(value)}`));
  return fc.oneof(
    fc.constantFrom(
      'grant_type=%zz',
      'grant_type=%E0%A4%A',
      'grant_type=client_credentials&grant_type=password',
      'scope=read&scope=write',
      '&&&=&=',
      '=',
      'a',
      '%',
      'grant_type[]=client_credentials',
      'grant_type[a]=x',
      'token=%00',
      'grant_type=client%5Fcredentials',
      '\uFEFFgrant_type=client_credentials',
    ),
    fc
      .array(fc.oneof(fc.constantFrom(...known), fc.constantFrom('%FF=%FE', 'x=%C0%AE', 'csrf_token=', 'decision=allow&decision=deny')), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join('&')),
  );
}

export function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

export function bodyBytes(plan: BodyPlan, context: FuzzContext, credential?: Credential): { body: Buffer; type: string | null } {
  switch (plan.kind) {
    case 'none':
      return { body: Buffer.alloc(0), type: null };
    case 'json':
      return { body: Buffer.from(JSON.stringify(plan.value) ?? 'null', 'utf8'), type: 'application/json' };
    case 'text':
      return { body: Buffer.from(plan.text, 'utf8'), type: 'application/json' };
    case 'rawForm':
      return { body: Buffer.from(plan.text, 'utf8'), type: 'application/x-www-form-urlencoded' };
    case 'bytes':
      // Not UTF-8 at all, most of the time: a parser must refuse it, not choke on it.
      return { body: Buffer.from(plan.bytes), type: plan.bytes.length % 2 ? 'application/json' : 'application/x-www-form-urlencoded' };
    case 'form': {
      const pairs = plan.pairs.map(([name, value]) => [name, formValue(name, value, context)] as [string, string]);
      if (plan.withClientCredentials && credential?.form)
        pairs.push(...Object.entries(typeof credential.form === 'function' ? credential.form() : credential.form));
      return {
        body: Buffer.from(pairs.map(([n, v]) => `${encodeComponent(n)}=${encodeComponent(v)}`).join('&'), 'utf8'),
        type: 'application/x-www-form-urlencoded',
      };
    }
  }
}

/** `\u0001real:N` stands for a real value of the field (a live token, a client id), `\u0001known:N` for a documented one. */
function formValue(name: string, value: string, context: FuzzContext): string {
  const symbolic = /^\u0001(real|known):(\d+)$/.exec(value);
  if (!symbolic) return value;
  // Object.hasOwn: field names such as "constructor" are part of the input.
  const known = Object.hasOwn(OAUTH_FIELDS, name) ? OAUTH_FIELDS[name] : [];
  const pool = symbolic[1] === 'real' && context.fieldPool(name).length ? context.fieldPool(name) : known.length ? known : context.fieldPool(name);
  return pool.length ? pool[Number(symbolic[2]) % pool.length] : 'x';
}
