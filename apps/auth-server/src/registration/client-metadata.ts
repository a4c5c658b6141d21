import { ClientTypes, GRANTS_BY_TYPE, GrantTypes, InvalidClientMetadata, InvalidRedirectUri, isScopeName, type ClientType, type GrantType, TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod } from '#oauth';
import { redirectUriError } from '../clients/redirect-uri.js';
import { ID_TOKEN_SIGNING_ALGS, type IdTokenSigningAlg } from '../clients/id-token-signing-alg.js';
import type { RegistrationPolicy } from '../settings/settings.js';

import { clientJwksProblem, jwksUriProblem, type ClientJwks } from '../clients/client-jwks.js';

export { TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod };

/** The RFC 7591 fields kept as given and answered back: the registry has no column for them. */
export interface StoredMetadata {
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  jwks?: { keys: unknown[] };
  contacts?: string[];
  software_id?: string;
  software_version?: string;
}

/** A registration request (RFC 7591 §2) checked against the rules and the policy, in the registry's terms. */
export interface RegistrationRequest {
  type: ClientType;
  /** Without refresh_token, which is a refresh count here (CONTRACT Precisions: unlimited when registered). */
  grants: GrantType[];
  refresh: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  idTokenSignedResponseAlg?: IdTokenSigningAlg;
  /** Space-separated `scope`, split; whether each exists is the service's question. */
  scopes: string[];
  /** RFC 7523: the method, and for private_key_jwt the keys (jwks or jwks_uri), which become client fields. */
  authentication: { tokenEndpointAuthMethod: TokenEndpointAuthMethod; jwks: ClientJwks | null; jwksUri: string | null };
  /** RFC 9126 §6 `require_pushed_authorization_requests` (default false). */
  requirePushedAuthorizationRequests: boolean;
  metadata: StoredMetadata;
}

const MAX_URIS = 32;
const MAX_URL_LENGTH = 2048;
const MAX_TEXT_LENGTH = 255;
const MAX_CONTACTS = 10;
const MAX_JWKS_KEYS = 10;

/** Response types by the grant that answers them (RFC 7591 §2.1: the two lists must agree). */
const RESPONSE_TYPE_OF: Partial<Record<GrantType, string>> = { [GrantTypes.authorizationCode]: 'code', [GrantTypes.implicit]: 'token' };

/**
 * Reads an RFC 7591 §2 registration (or RFC 7592 §2.2 update) body. Unknown members are ignored
 * (§2), null reads as absent; a member of the wrong type or value throws invalid_client_metadata,
 * or invalid_redirect_uri for redirect_uris (§3.2.2). Nothing here reads the database.
 */
export function readClientMetadata(body: unknown, policy: RegistrationPolicy): RegistrationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidClientMetadata('the body must be a JSON object of client metadata');
  const input = body as Record<string, unknown>;
  const method = oneOf(input, 'token_endpoint_auth_method', TOKEN_ENDPOINT_AUTH_METHODS) ?? 'client_secret_basic';
  const type: ClientType = method === 'none' ? ClientTypes.public : ClientTypes.confidential;
  const grantTypes = stringList(input, 'grant_types', 8) ?? [GrantTypes.authorizationCode];
  const { grants, refresh } = grantsOf(grantTypes, type, policy);
  checkResponseTypes(stringList(input, 'response_types', 4), grants);
  const redirectUris = redirectUrisOf(input, grants, type);
  const postLogoutRedirectUris = (stringList(input, 'post_logout_redirect_uris', MAX_URIS) ?? []).map((uri) => {
    const problem = webRedirectProblem(uri, type);
    if (problem) throw new InvalidClientMetadata(`post_logout_redirect_uris: ${printable(uri)} ${problem}`);
    return uri;
  });
  const metadata: StoredMetadata = { token_endpoint_auth_method: method };
  const clientName = text(input, 'client_name');
  if (clientName !== undefined) metadata.client_name = clientName;
  for (const field of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'] as const) {
    const url = webUrl(input, field);
    if (url !== undefined) metadata[field] = url;
  }
  const jwks = jwksOf(input);
  if (jwks) metadata.jwks = jwks;
  if (metadata.jwks && metadata.jwks_uri) throw new InvalidClientMetadata('jwks and jwks_uri must not both be present');
  const authentication = authenticationOf(method, metadata);
  const contacts = stringList(input, 'contacts', MAX_CONTACTS);
  if (contacts) metadata.contacts = contacts.map((contact) => checkedText('contacts', contact));
  for (const field of ['software_id', 'software_version'] as const) {
    const value = text(input, field);
    if (value !== undefined) metadata[field] = value;
  }
  return {
    type,
    grants,
    refresh,
    redirectUris,
    postLogoutRedirectUris,
    idTokenSignedResponseAlg: oneOf(input, 'id_token_signed_response_alg', ID_TOKEN_SIGNING_ALGS),
    scopes: scopesOf(input, policy),
    authentication,
    requirePushedAuthorizationRequests: flag(input, 'require_pushed_authorization_requests'),
    metadata,
  };
}

/** private_key_jwt needs its public keys (RFC 7591 §2: jwks or jwks_uri); the other methods keep them as informational metadata. */
function authenticationOf(method: TokenEndpointAuthMethod, metadata: StoredMetadata): RegistrationRequest['authentication'] {
  if (method !== 'private_key_jwt') return { tokenEndpointAuthMethod: method, jwks: null, jwksUri: null };
  if (!metadata.jwks && !metadata.jwks_uri) throw new InvalidClientMetadata('private_key_jwt needs jwks or jwks_uri');
  const problem = metadata.jwks ? clientJwksProblem(metadata.jwks) : jwksUriProblem(metadata.jwks_uri!);
  if (problem) throw new InvalidClientMetadata(`${metadata.jwks ? 'jwks' : 'jwks_uri'} ${problem}`);
  return { tokenEndpointAuthMethod: method, jwks: (metadata.jwks as ClientJwks | undefined) ?? null, jwksUri: metadata.jwks_uri ?? null };
}

/** The grant types a registered client answers with: refresh_token comes from its refresh count. */
export function grantTypesOf(grants: readonly GrantType[], refreshUnlimited: boolean): string[] {
  return refreshUnlimited ? [...grants, GrantTypes.refreshToken] : [...grants];
}

export function responseTypesOf(grants: readonly GrantType[]): string[] {
  return grants.flatMap((grant) => (RESPONSE_TYPE_OF[grant] ? [RESPONSE_TYPE_OF[grant]] : []));
}

/** The user grants whose tokens come with a refresh token (as RefreshTokenGrant.registeredAs). */
const REFRESHABLE_GRANTS: readonly GrantType[] = [GrantTypes.authorizationCode, GrantTypes.deviceCode];

function grantsOf(grantTypes: string[], type: ClientType, policy: RegistrationPolicy): { grants: GrantType[]; refresh: boolean } {
  if (grantTypes.length === 0) throw new InvalidClientMetadata('grant_types must not be empty');
  if (new Set(grantTypes).size !== grantTypes.length) throw new InvalidClientMetadata('grant_types must not repeat a value');
  for (const grant of grantTypes) {
    if (!(policy.grantTypes as string[]).includes(grant))
      throw new InvalidClientMetadata(`grant_types: the grant type ${safe(grant)} is not allowed for this client`);
  }
  const refresh = grantTypes.includes(GrantTypes.refreshToken);
  const grants = grantTypes.filter((grant) => grant !== GrantTypes.refreshToken) as GrantType[];
  if (refresh && !grants.some((grant) => REFRESHABLE_GRANTS.includes(grant)))
    throw new InvalidClientMetadata('refresh_token needs the authorization_code or the device_code grant');
  const refused = grants.find((grant) => !GRANTS_BY_TYPE[type].includes(grant));
  if (refused)
    throw new InvalidClientMetadata(
      `the grant type ${refused} is not allowed with token_endpoint_auth_method ${type === 'public' ? 'none' : 'client_secret_basic, client_secret_post, client_secret_jwt or private_key_jwt'}`,
    );
  return { grants, refresh };
}

function checkResponseTypes(given: string[] | undefined, grants: GrantType[]): void {
  if (given === undefined) return;
  const expected = responseTypesOf(grants);
  const unknown = given.find((value) => !Object.values(RESPONSE_TYPE_OF).includes(value));
  if (unknown !== undefined) throw new InvalidClientMetadata(`the response type ${safe(unknown)} is not supported`);
  if (given.length !== new Set(given).size || given.length !== expected.length || !expected.every((value) => given.includes(value))) {
    throw new InvalidClientMetadata(`response_types must be ${JSON.stringify(expected)} for these grant_types`);
  }
}

function redirectUrisOf(input: Record<string, unknown>, grants: GrantType[], type: ClientType): string[] {
  const value = input.redirect_uris;
  if (value === undefined || value === null) {
    if (grants.some((grant) => RESPONSE_TYPE_OF[grant]))
      throw new InvalidRedirectUri('redirect_uris is required for the authorization_code and implicit grants');
    return [];
  }
  if (!Array.isArray(value) || value.some((uri) => typeof uri !== 'string')) throw new InvalidRedirectUri('redirect_uris must be an array of strings');
  if (value.length > MAX_URIS) throw new InvalidRedirectUri(`redirect_uris holds at most ${MAX_URIS} URIs`);
  if (value.length === 0 && grants.some((grant) => RESPONSE_TYPE_OF[grant]))
    throw new InvalidRedirectUri('redirect_uris must not be empty for the authorization_code and implicit grants');
  if (new Set(value).size !== value.length) throw new InvalidRedirectUri('redirect_uris must not repeat a URI');
  for (const uri of value as string[]) {
    const problem = webRedirectProblem(uri, type);
    if (problem) throw new InvalidRedirectUri(`${printable(uri)} ${problem}`);
  }
  return value as string[];
}

/** The admin rules (fragment, wildcard, user info, dangerous schemes), and the policy's: https, or http on a loopback host. */
function webRedirectProblem(uri: string, type: ClientType): string | null {
  const problem = redirectUriError(uri, type);
  if (problem) return problem;
  return /^https?:/i.test(uri) ? null : 'must use https, or http on a loopback host';
}

function scopesOf(input: Record<string, unknown>, policy: RegistrationPolicy): string[] {
  const value = input.scope;
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') throw new InvalidClientMetadata('scope must be a string of space-separated scope names');
  const scopes = value.split(' ').filter((scope) => scope !== '');
  const bad = scopes.find((scope) => !isScopeName(scope));
  if (bad !== undefined) throw new InvalidClientMetadata('scope holds a value that is not a scope name');
  const unique = [...new Set(scopes)];
  if (unique.length > policy.maxScopes) throw new InvalidClientMetadata(`at most ${policy.maxScopes} scopes may be registered`);
  return unique;
}

function jwksOf(input: Record<string, unknown>): { keys: unknown[] } | undefined {
  const value = input.jwks;
  if (value === undefined || value === null) return undefined;
  const keys = (value as { keys?: unknown }).keys;
  if (typeof value !== 'object' || Array.isArray(value) || !Array.isArray(keys))
    throw new InvalidClientMetadata('jwks must be a JSON Web Key Set: an object with a "keys" array');
  if (
    keys.length > MAX_JWKS_KEYS ||
    keys.some((key) => typeof key !== 'object' || key === null || Array.isArray(key) || typeof (key as { kty?: unknown }).kty !== 'string')
  ) {
    throw new InvalidClientMetadata(`jwks must hold at most ${MAX_JWKS_KEYS} keys, each an object with a "kty"`);
  }
  return { keys };
}

function oneOf<T extends string>(input: Record<string, unknown>, field: string, allowed: readonly T[]): T | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new InvalidClientMetadata(`${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function stringList(input: Record<string, unknown>, field: string, max: number): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new InvalidClientMetadata(`${field} must be an array of strings`);
  if (value.length > max) throw new InvalidClientMetadata(`${field} holds at most ${max} values`);
  return value as string[];
}

function text(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidClientMetadata(`${field} must be a string`);
  return checkedText(field, value);
}

function checkedText(field: string, value: string): string {
  if (value.length === 0 || value.length > MAX_TEXT_LENGTH) throw new InvalidClientMetadata(`${field} must be 1 to ${MAX_TEXT_LENGTH} characters`);
  if (/[\x00-\x1f\x7f]/.test(value)) throw new InvalidClientMetadata(`${field} must not contain control characters`);
  return value;
}

/** A URL a person's browser may open (client_uri, logo_uri, …): https, or http on a loopback host. */
function webUrl(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH)
    throw new InvalidClientMetadata(`${field} must be a URL of at most ${MAX_URL_LENGTH} characters`);
  if (redirectUriError(value, ClientTypes.confidential) !== null)
    throw new InvalidClientMetadata(`${field} must be an https URL (or http on a loopback host) without user information`);
  return value;
}

/** For error descriptions, which must be free of control characters, quotes and backslashes. */
function printable(uri: string): string {
  return `the redirect URI ${uri.slice(0, 100).replace(/[^\x20-\x7e]|["'\\]/g, '?')}`;
}

function safe(value: string): string {
  return /^[A-Za-z0-9_:.-]{1,80}$/.test(value) ? value : 'given';
}

function flag(input: Record<string, unknown>, field: string): boolean {
  const value = input[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new InvalidClientMetadata(`${field} must be a boolean`);
  return value;
}
