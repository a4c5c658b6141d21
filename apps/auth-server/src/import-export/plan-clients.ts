import { defaultAuthMethod } from '#oauth';
import type { Client } from '../clients/client.js';
import type { ClientFields, SecretFields } from '../clients/client-writes.repository.js';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../clients/id-token-signing-alg.js';
import type { ImportedClientDto } from './dto/imported-client.dto.js';
import { sameValue, sorted, type ClientWrite, type PlanContext, type RegistryState, type ReportRow, type StoredClient } from './import-plan.js';
import { nameVersionKey } from './parse-import.js';

/** The fields compared and written, in the order the report names them. */
const FIELDS = [
  'name', 'version', 'description', 'type', 'redirectUris', 'grants', 'accessTokenLifetime', 'refreshCount', 'active', 'introspection', 'idTokenSignedResponseAlg',
  'postLogoutRedirectUris', 'allowedResources', 'tokenExchangeAudiences', 'tokenExchangeImpersonation', 'tokenEndpointAuthMethod', 'jwks', 'jwksUri', 'requirePushedAuthorizationRequests',
] as const satisfies readonly (keyof ClientFields)[];

/**
 * Each client row against the stored clients: found by clientId it is an update (or unchanged),
 * otherwise a create. Conflicts: its id is stored under another name, its name and version belong
 * to another client that stays (clients are told apart by name and version), a scope it names exists nowhere, a confidential
 * client would end up without a secret, a sealed secret does not open here.
 */
export function planClients(rows: ImportedClientDto[], state: RegistryState, knownScopes: ReadonlySet<string>, context: PlanContext): { report: ReportRow[]; writes: ClientWrite[] } {
  const owners = finalNameOwners(rows, state, context);
  const report: ReportRow[] = [];
  const writes: ClientWrite[] = [];
  rows.forEach((row, index) => {
    const at = { section: 'clients' as const, index, key: row.clientId };
    if (context.reservedClientIds.has(row.clientId)) {
      report.push({ ...at, action: 'skipped', reason: 'this client is provisioned by the server itself and is never imported' });
      return;
    }
    const stored = state.clients.get(row.clientId);
    const conflict = conflictOf(row, stored, owners, knownScopes);
    const planned = conflict === null ? write(row, stored, context) : conflict;
    if (typeof planned === 'string') {
      report.push({ ...at, action: 'conflict', reason: planned });
      return;
    }
    if (!stored) {
      report.push({ ...at, action: 'create' });
      writes.push(planned);
      return;
    }
    const changes = changedFields(stored, planned, context.now);
    report.push(changes.length === 0 ? { ...at, action: 'unchanged' } : { ...at, action: 'update', changes });
    if (changes.length > 0) writes.push(planned);
  });
  return { report, writes };
}

/** Who holds each name and version after the import: stored clients the file does not name keep theirs. */
function finalNameOwners(rows: ImportedClientDto[], state: RegistryState, context: PlanContext): Map<string, string> {
  const imported = new Set(rows.filter((row) => !context.reservedClientIds.has(row.clientId)).map((row) => row.clientId));
  const owners = new Map<string, string>();
  for (const [clientId, stored] of state.clients) if (!imported.has(clientId)) owners.set(nameVersionKey(stored.client.name, stored.client.version), clientId);
  return owners;
}

function conflictOf(row: ImportedClientDto, stored: StoredClient | undefined, owners: Map<string, string>, knownScopes: ReadonlySet<string>): string | null {
  // The same id under another name is another client, not a rename: a client's name never changes (PATCH refuses it too).
  if (stored && stored.client.name !== row.name) return `the client id ${row.clientId} belongs to the client "${stored.client.name}" on this server, and a client's name cannot change`;
  const owner = owners.get(nameVersionKey(row.name, row.version));
  if (owner !== undefined && owner !== row.clientId) return `a client named "${row.name}" with version "${row.version}" already exists on this server with the id ${owner}`;
  const unknown = (row.scopes ?? []).filter((scope) => !knownScopes.has(scope));
  if (unknown.length > 0) return `no scope named ${unknown.join(', ')} on this server or in the file`;
  return null;
}

/** The write a row makes, or why it cannot be made. */
function write(row: ImportedClientDto, stored: StoredClient | undefined, context: PlanContext): ClientWrite | string {
  const fields = stored ? merged(stored.client, row) : created(row);
  const secrets = secretsOf(row, fields, stored, context);
  if (typeof secrets === 'string') return secrets;
  const deactivated = stored !== undefined && stored.client.active && !fields.active;
  return { kind: stored ? 'update' : 'create', clientId: row.clientId, ref: stored?.client.id, fields, scopes: row.scopes && sorted(row.scopes), storedScopes: stored?.scopes ?? [], ...secrets, deactivated };
}

/** A new client: what the file says, the admin API's defaults for the rest. */
function created(row: ImportedClientDto): ClientFields {
  return {
    name: row.name,
    version: row.version,
    description: row.description ?? '',
    type: row.type,
    redirectUris: row.redirectUris ?? [],
    grants: row.grants,
    accessTokenLifetime: (row.accessTokenLifetime as ClientFields['accessTokenLifetime'] | undefined) ?? { mode: 'global' },
    refreshCount: (row.refreshCount as ClientFields['refreshCount'] | undefined) ?? { mode: 'limited', limit: 0 },
    active: row.active ?? true,
    introspection: row.introspection ?? false,
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_SIGNING_ALG,
    postLogoutRedirectUris: row.postLogoutRedirectUris ?? [],
    allowedResources: row.allowedResources ?? null,
    tokenExchangeAudiences: row.tokenExchangeAudiences ?? [],
    tokenExchangeImpersonation: row.tokenExchangeImpersonation ?? false,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod ?? defaultAuthMethod(row.type),
    jwks: row.jwks ?? null,
    jwksUri: row.jwksUri ?? null,
    requirePushedAuthorizationRequests: row.requirePushedAuthorizationRequests ?? false,
  };
}

/** An existing client: a field the row leaves out keeps its stored value (a PATCH with every field the row has). */
function merged(client: Client, row: ImportedClientDto): ClientFields {
  const fields = Object.fromEntries(FIELDS.map((field) => [field, row[field] === undefined ? client[field] : row[field]])) as unknown as ClientFields;
  if (row.tokenEndpointAuthMethod === undefined && row.type !== client.type) fields.tokenEndpointAuthMethod = defaultAuthMethod(row.type);
  return fields;
}

type SecretPlan = Pick<ClientWrite, 'secrets' | 'sealFromSecret'>;

/** The secret columns after the import; a confidential client always ends with a usable secret. */
function secretsOf(row: ImportedClientDto, fields: ClientFields, stored: StoredClient | undefined, context: PlanContext): SecretPlan | string {
  if (fields.type === 'public') {
    return stored?.secretHash ? { secrets: { secretHash: null, previousSecretHash: null, previousSecretExpiresAt: null, secretSealed: null, previousSecretSealed: null } } : { secrets: {} };
  }
  const sealing = fields.tokenEndpointAuthMethod === 'client_secret_jwt';
  const previous = previousOf(row, context);
  if (typeof previous === 'string') return previous;
  if (row.sealedSecret !== undefined) {
    const opened = context.openSealed(row.sealedSecret, row.clientId);
    if (opened === null) return 'sealedSecret does not open on this server (it was sealed under another CLIENT_SECRET_ENCRYPTION_KEY): give the secret in the clear';
    return { secrets: { secretHash: context.hashSecret(opened), secretSealed: row.sealedSecret, previousSecretSealed: null, ...previous } };
  }
  if (row.secret !== undefined) {
    return { secrets: { secretHash: context.hashSecret(row.secret), secretSealed: null, previousSecretSealed: null, ...previous }, ...(sealing ? { sealFromSecret: row.secret } : {}) };
  }
  if (row.secretHash !== undefined) {
    if (sealing && !(stored?.secretSealed && stored.secretHash === row.secretHash)) return 'a client_secret_jwt client needs its secret in the clear or sealed (sealedSecret), not only its hash';
    return { secrets: { secretHash: row.secretHash, ...(sealing ? {} : { secretSealed: null, previousSecretSealed: null }), ...previous } };
  }
  // No secret in the row: a stored confidential client keeps its own, if it still fits the method.
  if (!stored?.secretHash) return 'a confidential client needs its secret: give secret (in the clear) or secretHash (from an export)';
  if (sealing && !stored.secretSealed) return 'a client moving to client_secret_jwt needs its secret in the clear (secret)';
  return { secrets: sealing ? {} : stored.secretSealed ? { secretSealed: null, previousSecretSealed: null } : {} };
}

/**
 * A grace-period secret only while its period lasts: one already over is left out, its sealed copy
 * with it. Without previousSealedSecret (files written before it) previousSecretSealed is not
 * planned here, and the caller's value stands.
 */
function previousOf(row: ImportedClientDto, context: PlanContext): Pick<SecretFields, 'previousSecretHash' | 'previousSecretExpiresAt' | 'previousSecretSealed'> | string {
  const expiresAt = row.previousSecretExpiresAt ? new Date(row.previousSecretExpiresAt) : null;
  if (!row.previousSecretHash || !expiresAt || expiresAt <= context.now) return { previousSecretHash: null, previousSecretExpiresAt: null };
  const live = { previousSecretHash: row.previousSecretHash, previousSecretExpiresAt: expiresAt };
  if (row.previousSealedSecret === undefined) return live;
  const opened = context.openSealed(row.previousSealedSecret, row.clientId);
  if (opened === null) return 'previousSealedSecret does not open on this server (it was sealed under another CLIENT_SECRET_ENCRYPTION_KEY): leave it out, and assertions signed with the previous secret end at the import';
  // The HMAC of an assertion is checked with the sealed copy, a client_secret with the hash: they must be one secret.
  if (context.hashSecret(opened) !== row.previousSecretHash) return 'previousSealedSecret is not the secret whose hash is previousSecretHash';
  return { ...live, previousSecretSealed: row.previousSealedSecret };
}

/** The fields, associations and secret that the write would change on the stored client. */
function changedFields(stored: StoredClient, planned: ClientWrite, now: Date): string[] {
  const changes: string[] = FIELDS.filter((field) => !sameValue(stored.client[field], planned.fields[field]));
  if (planned.scopes && !sameValue(sorted(stored.scopes), planned.scopes)) changes.push('scopes');
  const { secretHash, previousSecretHash, previousSecretExpiresAt, secretSealed, previousSecretSealed } = planned.secrets;
  if ((secretHash !== undefined && secretHash !== stored.secretHash) || (secretSealed !== undefined && secretSealed !== stored.secretSealed && planned.sealFromSecret === undefined)) changes.push('secret');
  else if (planned.sealFromSecret !== undefined && !stored.secretSealed) changes.push('secret');
  const storedPrevious = stored.previousSecretExpiresAt && stored.previousSecretExpiresAt > now ? stored.previousSecretHash : null;
  if (previousSecretHash !== undefined && previousSecretHash !== storedPrevious) changes.push('previousSecret');
  else if (previousSecretExpiresAt && stored.previousSecretExpiresAt?.getTime() !== previousSecretExpiresAt.getTime()) changes.push('previousSecret');
  // Only a sealed copy the file gives counts: a file without one (written before previousSealedSecret) leaves a stored copy alone, as it always did.
  else if (typeof previousSecretSealed === 'string' && previousSecretSealed !== (storedPrevious === null ? null : stored.previousSecretSealed)) changes.push('previousSecret');
  return changes;
}
