import fc from 'fast-check';
import { nastyString } from './strings.js';

/** The subset of JSON Schema that the OpenAPI documents of both apps use. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
}

export type SchemaResolver = (schema: JsonSchema) => JsonSchema;

/** Resolves `#/components/schemas/X` references against the document. */
export function resolverFor(document: { components?: { schemas?: Record<string, JsonSchema> } }): SchemaResolver {
  const resolve = (schema: JsonSchema, depth = 0): JsonSchema => {
    if (!schema.$ref || depth > 10) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(document.components?.schemas?.[name] ?? {}, depth + 1);
  };
  return (schema) => resolve(schema);
}

/** Values a wrongly typed client sends instead of the declared one. */
export function wrongValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    nastyString(),
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0,
      1e308,
      2 ** 53 + 1,
      2 ** 31,
      -(2 ** 31) - 1,
      [],
      {},
      [null],
      { '': '' },
      JSON.parse('{"__proto__":{"admin":true}}'),
    ),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/**
 * Values for `schema`: mostly of the declared shape (so that requests get past the first
 * validator to the rules behind it), with any field now and then of the wrong type or absent,
 * and objects now and then carrying an unknown field.
 */
export function schemaValue(schema: JsonSchema, resolve: SchemaResolver, depth = 0): fc.Arbitrary<unknown> {
  const shaped = depth > 4 ? fc.constant(null) : shapedValue(resolve(schema), resolve, depth);
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: wrongValue() });
}

function shapedValue(schema: JsonSchema, resolve: SchemaResolver, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => schemaValue(s, resolve, depth + 1)));
  if (schema.allOf?.length) return shapedValue(mergeAll(schema.allOf.map(resolve)), resolve, depth);
  const type = [schema.type ?? (schema.properties ? 'object' : 'string')].flat().find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'object':
      return objectValue(schema, resolve, depth);
    case 'array':
      return fc.array(schemaValue(schema.items ?? {}, resolve, depth + 1), { maxLength: 4 });
    case 'integer':
    case 'number':
      return numberValue(schema, type === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return stringValue(schema);
  }
}

function objectValue(schema: JsonSchema, resolve: SchemaResolver, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) model[name] = schemaValue(property, resolve, depth + 1);
  const required = (schema.required ?? []).filter((name) => name in model);
  const record = fc.record(model, { requiredKeys: required });
  const extra = fc.dictionary(
    fc.oneof(nastyString(12), fc.constantFrom('__proto__', 'constructor', 'id', 'clientSecret', 'secretHash', 'entityVersion', 'permissions')),
    wrongValue(),
    {
      maxKeys: 2,
    },
  );
  return fc.oneof({ weight: 5, arbitrary: record }, { weight: 1, arbitrary: fc.tuple(record, extra).map(([a, b]) => ({ ...(a as object), ...b })) });
}

function numberValue(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31 - 1;
  const edges = [min, max, min - 1, max + 1, 0, -1, 1].filter((n) => Number.isSafeInteger(n));
  const inRange = integer ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }) : fc.double({ min, max, noNaN: true });
  return fc.oneof(
    { weight: 3, arbitrary: inRange },
    { weight: 2, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: fc.constantFrom(0.5, 1e21, 2 ** 53, -(2 ** 63)) },
  );
}

const FORMATTED: Record<string, string[]> = {
  uri: [
    'https://app.example/cb',
    'http://127.0.0.1:8080/cb',
    'https://app.example/cb#frag',
    'javascript:alert(1)',
    'custom.scheme:/cb',
    'https://[::1]/x',
    'http://',
  ],
  'date-time': ['2026-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59Z', '2026-13-45T99:99:99Z'],
  uuid: ['00000000-0000-0000-0000-000000000000', 'c1d7e0a2-9d1f-4a54-9e1b-0f1c2d3e4f50'],
};

function stringValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 300);
  const fitting = fc.string({ minLength: Math.min(minLength, maxLength), maxLength, unit: 'grapheme-ascii' }).map((s) => s.replace(/[&()\\;,/":'<>]/g, 'x'));
  const formatted = FORMATTED[schema.format ?? ''];
  const options = [
    { weight: 4, arbitrary: fitting },
    { weight: 2, arbitrary: nastyString(maxLength) as fc.Arbitrary<string> },
  ];
  if (formatted) options.push({ weight: 4, arbitrary: fc.constantFrom(...formatted) });
  if (schema.maxLength !== undefined) options.push({ weight: 1, arbitrary: fc.constantFrom('x'.repeat(schema.maxLength), 'x'.repeat(schema.maxLength + 1)) });
  return fc.oneof(...options);
}

function mergeAll(schemas: JsonSchema[]): JsonSchema {
  return schemas.reduce<JsonSchema>(
    (merged, s) => ({ ...merged, ...s, properties: { ...merged.properties, ...s.properties }, required: [...(merged.required ?? []), ...(s.required ?? [])] }),
    { type: 'object' },
  );
}
