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

const ROUTE_FIELDS: Record<string, SchemaObject> = {
  match: {
    type: 'object',
    properties: {
      pathPrefix: { type: 'string', example: '/billing' },
      methods: { type: 'array', items: { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] } },
    },
    required: ['pathPrefix'],
  },
  upstream: { type: 'string', format: 'uri', example: 'http://127.0.0.1:8080' },
  stripPrefix: { type: 'boolean', default: false },
  scopes: {
    oneOf: [
      { type: 'string', enum: ['public'] },
      { type: 'object', properties: { allOf: strings }, required: ['allOf'] },
      { type: 'object', properties: { anyOf: strings }, required: ['anyOf'] },
    ],
  },
  timeoutMs: { type: 'integer', minimum: 1, maximum: 600000, default: 30000 },
  websocket: { type: 'boolean', default: false },
  clientBasic: {
    type: 'boolean',
    default: false,
    description: 'Also admit a confidential client by HTTP Basic (client id and secret, checked at the auth server) instead of a token; not on a public route',
  },
  resource: { type: 'string', format: 'uri', description: 'The registered resource (RFC 8707) whose tokens the route admits; default RESOURCE_AUDIENCE' },
};

/** A route as RESOURCE_ROUTES_FILE writes one (POST /admin/v1/routes). */
export const ROUTE_DEFINITION: SchemaObject = {
  type: 'object',
  properties: ROUTE_FIELDS,
  required: ['match', 'upstream', 'scopes'],
  additionalProperties: false,
};

/** PATCH /admin/v1/routes/{id}: any of the fields; null resets one to its default. */
export const ROUTE_PATCH: SchemaObject = { type: 'object', properties: ROUTE_FIELDS, additionalProperties: false };

export const ROUTE_VIEW = object({
  id: { type: 'string', description: '"file-<n>" for the n-th route of RESOURCE_ROUTES_FILE' },
  source: { type: 'string', enum: ['file', 'api'] },
  ...ROUTE_FIELDS,
  createdAt: { type: ['string', 'null'], format: 'date-time' },
  updatedAt: { type: ['string', 'null'], format: 'date-time' },
});

/** A row of GET /admin/v1/audit: the auth server's audit event, plus the admin token's client; or a refused clientBasic call. */
export const RS_AUDIT_EVENT_VIEW = object({
  id: string,
  occurredAt: { type: 'string', format: 'date-time' },
  actor: { type: ['string', 'null'], description: 'the admin token subject; for client_basic.* rows the client id presented' },
  actorType: { type: 'string', enum: ['user', 'client', 'anonymous'], description: 'anonymous: client_basic.* rows whose credentials could not be read' },
  clientId: { type: ['string', 'null'], description: 'the client the admin token was issued to, or the client id presented with HTTP Basic' },
  action: { type: 'string', example: 'route.created', description: 'route.created|updated|deleted, client.*, client_basic.refused, client_basic.throttled' },
  targetType: { type: ['string', 'null'] },
  targetId: { type: ['string', 'null'] },
  details: {
    type: 'object',
    additionalProperties: true,
    description:
      'method, route, status, outcome, change (the request body), before and after (the target as GET showed it); for client_basic.* rows: reason, route, outcome, and for a throttle lock: locked (client or ip), lockoutSeconds',
  },
  ip: { type: ['string', 'null'] },
  requestId: { type: ['string', 'null'] },
});
