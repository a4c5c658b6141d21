import { ClientTypes, GrantTypes, OAuthError } from '#oauth';
import { readClientMetadata } from '../registration/client-metadata.js';
import type { RegistrationPolicy } from '../settings/settings.js';

/** What a valid document tells about its client (docs/client-metadata-documents.md). */
export interface DocumentClientMetadata {
  name: string;
  redirectUris: string[];
  /** The scopes the document asks for (`scope`), or null when it names none. */
  scopes: string[] | null;
  /** `refresh_token` among its grant_types: refresh tokens, as for a dynamically registered client. */
  refresh: boolean;
}

export type MetadataCheck = { metadata: DocumentClientMetadata } | { refused: string };

/**
 * The RFC 7591 rules a document's metadata is read with: those of dynamic registration
 * (registration/client-metadata.ts), for a client of the code flow. Its scopes are capped by the
 * client lookup's own filter (no privileged scope), not by a count.
 */
const DOCUMENT_POLICY: RegistrationPolicy = {
  grantTypes: [GrantTypes.authorizationCode, GrantTypes.refreshToken],
  maxScopes: Number.MAX_SAFE_INTEGER,
  registrationsPerIpPerHour: 0,
  deleteUnusedAfterDays: 0,
};

/**
 * draft-ietf-oauth-client-id-metadata-document §4: a JSON object whose `client_id` is the URL it
 * was fetched from (exactly), with RFC 7591 client metadata read as dynamic registration reads it.
 * This server accepts a public client of the code flow only: no secret of any kind,
 * `token_endpoint_auth_method` `none` or absent, grant types among authorization_code and
 * refresh_token.
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
  try {
    const read = readClientMetadata({ ...fields, token_endpoint_auth_method: 'none' }, DOCUMENT_POLICY);
    if (read.type !== ClientTypes.public || !read.grants.includes(GrantTypes.authorizationCode)) {
      return { refused: 'the metadata document\'s grant_types must be authorization_code, with refresh_token or not' };
    }
    const scopes = fields.scope === undefined || fields.scope === null ? null : read.scopes;
    return { metadata: { name: read.metadata.client_name ?? new URL(clientId).host, redirectUris: read.redirectUris, scopes, refresh: read.refresh } };
  } catch (error) {
    if (error instanceof OAuthError) return { refused: `the metadata document's ${error.description}` };
    throw error;
  }
}
