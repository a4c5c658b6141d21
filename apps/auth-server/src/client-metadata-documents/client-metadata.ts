import { GrantTypes } from '#oauth';
import { redirectUriError } from '../clients/redirect-uri.js';

/** What a valid document tells about its client (docs/client-metadata-documents.md). */
export interface DocumentClientMetadata {
  name: string;
  redirectUris: string[];
  /** The scopes the document asks for (`scope`), or null when it names none. */
  scopes: string[] | null;
  /** `refresh_token` among its grant_types: refresh tokens, as for a dynamically registered client. */
  refresh: boolean;
}

export const MAX_REDIRECT_URIS = 20;
const MAX_NAME_LENGTH = 100;
const ALLOWED_GRANTS: readonly string[] = [GrantTypes.authorizationCode, GrantTypes.refreshToken];

export type MetadataCheck = { metadata: DocumentClientMetadata } | { refused: string };

/**
 * draft-ietf-oauth-client-id-metadata-document §4: a JSON object whose `client_id` is the URL it
 * was fetched from (exactly), with RFC 7591 client metadata. This server accepts a public client
 * of the code flow only: no secret of any kind, `token_endpoint_auth_method` `none` or absent,
 * grant types among authorization_code and refresh_token, response types among code, and
 * redirect URIs under the rules of registered public clients.
 */
export function checkClientMetadata(body: string, clientId: string): MetadataCheck {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { refused: 'the metadata document is not JSON' };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return { refused: 'the metadata document is not a JSON object' };
  const fields = document as Record<string, unknown>;
  if (fields.client_id !== clientId) return { refused: 'the metadata document names another client_id than its URL' };
  if ('client_secret' in fields || 'client_secret_expires_at' in fields) return { refused: 'the metadata document must not contain a client_secret' };
  const method = fields.token_endpoint_auth_method;
  if (method !== undefined && method !== 'none') return { refused: 'the metadata document\'s token_endpoint_auth_method must be "none"' };
  const grants = stringList(fields.grant_types) ?? (fields.grant_types === undefined ? [GrantTypes.authorizationCode] : null);
  if (!grants || !grants.includes(GrantTypes.authorizationCode) || grants.some((grant) => !ALLOWED_GRANTS.includes(grant))) {
    return { refused: 'the metadata document\'s grant_types must be authorization_code, with refresh_token or not' };
  }
  const responseTypes = fields.response_types === undefined ? ['code'] : stringList(fields.response_types);
  if (!responseTypes || responseTypes.some((type) => type !== 'code')) return { refused: 'the metadata document\'s response_types must be ["code"]' };
  const redirectUris = stringList(fields.redirect_uris);
  if (!redirectUris || redirectUris.length === 0 || redirectUris.length > MAX_REDIRECT_URIS) {
    return { refused: `the metadata document must list 1 to ${MAX_REDIRECT_URIS} redirect_uris` };
  }
  for (const uri of redirectUris) {
    const error = redirectUriError(uri, 'public');
    if (error) return { refused: `the metadata document's redirect URI ${JSON.stringify(uri.slice(0, 200))} ${error}` };
  }
  const name = fields.client_name === undefined ? new URL(clientId).host : fields.client_name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(name)) {
    return { refused: `the metadata document's client_name must be 1 to ${MAX_NAME_LENGTH} printable characters` };
  }
  if (fields.scope !== undefined && typeof fields.scope !== 'string') return { refused: 'the metadata document\'s scope must be a string' };
  const scopes = typeof fields.scope === 'string' ? fields.scope.split(' ').filter((scope) => scope !== '') : null;
  return { metadata: { name: name.trim(), redirectUris: [...new Set(redirectUris)], scopes, refresh: grants.includes(GrantTypes.refreshToken) } };
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}
