import { isClientType } from '#oauth';
import { SyncEvents, type SyncEnvelope, type SyncEventKind } from './events.js';
import { RejectedEvent } from './rejected-event.js';

type Json = Record<string, unknown>;

/** Outbox seqs are bigint in the database, but stay far below 2^53 in any real installation. */
function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown, max = 65_536): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= 10_000 && value.every((item) => isString(item, 1024));
}

function isInstant(value: unknown): boolean {
  return isString(value, 64) && Number.isFinite(Date.parse(value));
}

/** One check per kind: the payload must be exactly what the auth server writes for that kind. */
const PAYLOAD_CHECKS: Record<SyncEventKind, (payload: Json) => boolean> = {
  [SyncEvents.clientUpserted]: (p) =>
    isString(p.clientId, 1024) &&
    isString(p.name) &&
    isString(p.version, 1024) &&
    isClientType(p.type) &&
    typeof p.active === 'boolean' &&
    isStringList(p.scopes) &&
    isSeq(p.entityVersion),
  [SyncEvents.clientDeleted]: (p) => isString(p.clientId, 1024) && isSeq(p.entityVersion),
  [SyncEvents.scopeUpserted]: (p) =>
    isString(p.name, 1024) &&
    isString(p.description) &&
    isSeq(p.entityVersion) &&
    (p.requiredPermission === undefined || p.requiredPermission === null || isString(p.requiredPermission, 1024)),
  [SyncEvents.scopeDeleted]: (p) => isString(p.name, 1024) && isSeq(p.entityVersion),
  [SyncEvents.clientScopesSet]: (p) => isString(p.clientId, 1024) && isStringList(p.scopes) && isSeq(p.entityVersion),
  [SyncEvents.tokensRevoked]: (p) =>
    isString(p.clientId, 1024) &&
    (p.grantIds === undefined || isStringList(p.grantIds)) &&
    (p.revokedBefore === undefined || isInstant(p.revokedBefore)) &&
    (p.expiresAt === undefined || p.expiresAt === null || isInstant(p.expiresAt)),
};

/**
 * Checks that `value` is a SyncEnvelope of a kind we know with that kind's payload; throws
 * RejectedEvent('schema') otherwise. Runs after the signature check and before the ordering rules.
 */
export function parseEnvelope(value: unknown): SyncEnvelope {
  const fail = (what: string): never => {
    throw new RejectedEvent('schema', `not a sync envelope: ${what}`);
  };
  if (!isObject(value)) return fail('not an object');
  if (!isSeq(value.seq) || value.seq === 0) fail('seq');
  if (value.prevSeq !== undefined && (!isSeq(value.prevSeq) || value.prevSeq >= (value.seq as number))) fail('prevSeq');
  if (!Object.prototype.hasOwnProperty.call(PAYLOAD_CHECKS, value.kind as string)) fail(`kind ${String(value.kind).slice(0, 64)}`);
  if (!isString(value.entityId, 1024)) fail('entityId');
  if (!isSeq(value.entityVersion)) fail('entityVersion');
  if (!isInstant(value.occurredAt)) fail('occurredAt');
  if (!isObject(value.payload) || !PAYLOAD_CHECKS[value.kind as SyncEventKind](value.payload)) fail(`payload of ${String(value.kind)}`);
  return value as unknown as SyncEnvelope;
}
