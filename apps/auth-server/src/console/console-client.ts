import { GrantTypes } from '#oauth';
import type { ClientFields } from '../clients/client-writes.repository.js';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../clients/id-token-signing-alg.js';
import { Permissions } from '../common/permissions.js';

/** The web console's own OAuth client: provisioned at every start (CONTRACT.md, admin API). */
export const CONSOLE_CLIENT_ID = 'portcullis-console';

/** Scopes the console asks for: `admin` for /admin/v1 here, `rs.admin` for the resource servers' admin API. */
export const CONSOLE_SCOPES = [
  { name: 'admin', description: 'Administer the authorization server (admin API and web console)', requiredPermission: Permissions.accessControl },
  { name: 'rs.admin', description: 'Administer the resource servers (enable or disable clients, sync status)', requiredPermission: Permissions.accessControl },
] as const;

export function consoleRedirectUri(issuer: string): string {
  return `${issuer}/console/callback`;
}

/**
 * A public client with PKCE, as a browser app must be: it cannot keep a secret. A limited refresh
 * count bounds a stolen refresh token to about a working day of one-hour access tokens, while an
 * admin is not sent back to the login page every hour.
 */
export function consoleClientFields(issuer: string): ClientFields {
  return {
    name: 'Portcullis Console',
    version: '1.0',
    description: 'The administrators\' web console, served at /console',
    type: 'public',
    redirectUris: [consoleRedirectUri(issuer)],
    grants: [GrantTypes.authorizationCode],
    accessTokenLifetime: { mode: 'global' },
    refreshCount: { mode: 'limited', limit: 24 },
    active: true,
    introspection: false,
    idTokenSignedResponseAlg: DEFAULT_ID_TOKEN_SIGNING_ALG,
    postLogoutRedirectUris: [],
  };
}
