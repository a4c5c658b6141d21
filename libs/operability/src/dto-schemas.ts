import type { OpenAPIObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

type Schema = Record<string, unknown>;
const REF_PREFIX = '#/components/schemas/';

/**
 * Fills the request-body schemas from the DTOs' class-validator rules, so the validation rules
 * stay the one source of truth (no @ApiProperty copy beside every @IsString). Nest's scanner
 * names each body DTO but, without the CLI plugin, leaves its properties empty; those are
 * replaced, explicit @ApiProperty schemas are kept, and nested DTOs referenced are added.
 */
export function addDtoSchemas(document: OpenAPIObject): OpenAPIObject {
  const generated = validationMetadatasToSchemas({ classTransformerMetadataStorage: defaultMetadataStorage, refPointerPrefix: REF_PREFIX }) as Record<
    string,
    Schema
  >;
  const schemas = ((document.components ??= {}).schemas ??= {});
  const pending = Object.keys(schemas);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const current = schemas[name] as Schema | undefined;
    if (generated[name] && (!current || isEmptyObject(current))) schemas[name] = generated[name];
    for (const ref of refsIn(schemas[name])) if (!schemas[ref] && generated[ref]) pending.push(ref);
  }
  return document;
}

function isEmptyObject(schema: Schema): boolean {
  return schema.type === 'object' && Object.keys((schema.properties as Schema | undefined) ?? {}).length === 0;
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(REF_PREFIX)) found.push(inner.slice(REF_PREFIX.length));
      else refsIn(inner, found);
    }
  }
  return found;
}
