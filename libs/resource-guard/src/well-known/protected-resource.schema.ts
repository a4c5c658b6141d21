import type { SchemaObject } from '@nestjs/swagger';

const strings: SchemaObject = { type: 'array', items: { type: 'string' } };

/** RFC 9728 §3.2, as the OpenAPI document describes the answer. */
export const PROTECTED_RESOURCE_METADATA: SchemaObject = {
  type: 'object',
  properties: {
    resource: { type: 'string' },
    authorization_servers: strings,
    bearer_methods_supported: strings,
    scopes_supported: strings,
    resource_signing_alg_values_supported: strings,
  },
  required: ['resource', 'authorization_servers', 'bearer_methods_supported', 'scopes_supported', 'resource_signing_alg_values_supported'],
};
