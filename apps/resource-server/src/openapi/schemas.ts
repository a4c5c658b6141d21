import type { SchemaObject } from '#operability';

/** OpenAPI shapes of the resource server's answers; request bodies come from the DTOs' validation rules. */
const string: SchemaObject = { type: 'string' };
const strings: SchemaObject = { type: 'array', items: string };

function object(properties: Record<string, SchemaObject>): SchemaObject {
  return { type: 'object', properties, required: Object.keys(properties) };
}

export function items(item: SchemaObject): SchemaObject {
  return object({ items: { type: 'array', items: item } });
}

export const RS_CLIENT_VIEW = object({
  clientId: string,
  name: string,
  version: string,
  type: string,
  active: { type: 'boolean', description: 'as set at the auth server' },
  enabled: { type: 'boolean', description: 'the local switch at this resource server' },
  scopes: strings,
});

export const RS_SCOPE_VIEW = object({ name: string, description: string });

export const SYNC_VIEW = object({
  transport: { type: ['string', 'null'] },
  connected: { type: 'boolean' },
  lastAppliedSeq: { type: 'integer' },
  snapshotLoadedAt: { type: ['string', 'null'], format: 'date-time' },
  lag: { type: ['integer', 'null'], description: 'events known to the transport but not applied here yet' },
});

export const ME = object({ sub: string, clientId: string, scopes: strings });

export const REPORT = object({ id: string, title: string, createdBy: string, createdAt: { type: 'string', format: 'date-time' } });

/** RFC 9728 §3.2. */
export const PROTECTED_RESOURCE_METADATA = object({
  resource: string,
  authorization_servers: strings,
  bearer_methods_supported: strings,
  scopes_supported: strings,
  resource_signing_alg_values_supported: strings,
});
