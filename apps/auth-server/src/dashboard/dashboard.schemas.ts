import type { SchemaObject } from '#operability';
import { AUDIT_EVENT_VIEW } from '../openapi/schemas.js';

const integer: SchemaObject = { type: 'integer' };
const minutes: SchemaObject = { type: 'array', items: { type: 'string', format: 'date-time' }, description: 'start of each minute, oldest first; the last one is the current minute' };

function object(properties: Record<string, SchemaObject>, description?: string): SchemaObject {
  return { type: 'object', properties, required: Object.keys(properties), ...(description ? { description } : {}) };
}

const seriesGroup = (what: string, label: string): SchemaObject =>
  object({
    total: { type: 'integer', description: `${what} over the window` },
    series: { type: 'object', additionalProperties: { type: 'array', items: integer }, description: `per ${label}: counts per minute, aligned with minutes` },
  });

const RESOURCE_SERVER_SYNC = object({
  group: { type: 'string', description: "the resource-server instance's consumer group" },
  state: { type: 'string', enum: ['in_sync', 'behind', 'offline'] },
  consumers: integer,
  behindEvents: { type: 'integer', description: 'events not acknowledged yet' },
  pendingEvents: { type: 'integer', description: 'delivered, not acknowledged' },
  lastDeliveredSeq: integer,
  lagSeconds: { type: ['number', 'null'], description: 'age of the oldest event not acknowledged; 0 in sync' },
  idleSeconds: { type: ['number', 'null'], description: 'since its last read (Redis only)' },
});

export const DASHBOARD_VIEW = object({
  generatedAt: { type: 'string', format: 'date-time' },
  minutes,
  tokensIssued: seriesGroup('access tokens issued at the token endpoint', 'grant type'),
  tokenRefusals: seriesGroup('token endpoint refusals', 'reason (OAuth error code, or rate_limited)'),
  clients: object({
    active: { type: 'integer', description: 'registered clients that are active' },
    registered: integer,
    issuing: { type: 'integer', description: 'clients that got tokens in the window' },
    top: {
      type: 'array',
      items: object({ clientId: { type: 'string' }, name: { type: ['string', 'null'] }, version: { type: ['string', 'null'] }, tokens: integer }),
      description: 'the clients that got the most tokens in the window, at most 5',
    },
  }),
  sync: object({ transport: { type: 'string', enum: ['redis-streams', 'in-process'] }, resourceServers: { type: 'array', items: RESOURCE_SERVER_SYNC } }),
  latestAudit: { type: 'array', items: AUDIT_EVENT_VIEW, description: 'the 10 newest audit events' },
});

export const CLIENT_ACTIVITY_VIEW = object({
  clientId: { type: 'string' },
  minutes,
  tokens: { type: 'array', items: integer, description: 'access tokens issued to the client per minute' },
  total: integer,
});
