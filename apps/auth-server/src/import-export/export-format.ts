import type { AccessTokenLifetime, RefreshCount } from '../clients/client.js';
import type { ClientJwks } from '../clients/client-jwks.js';
import type { IdTokenSigningAlg } from '../clients/id-token-signing-alg.js';
import type { ClientType, GrantType, TokenEndpointAuthMethod } from '#oauth';
import type { Settings } from '../settings/settings.js';
import type { UserProfile } from '../users/profile/user-profile.js';

/**
 * The export/import file (docs/import-export.md). `version` moves only with a change an older
 * reader would misread; a reader refuses any version it does not know rather than guessing.
 */
export const EXPORT_FORMAT = 'portcullis-export';
export const EXPORT_VERSION = 1;

/**
 * Bodies of POST /admin/v1/import up to this size are read (the rest of the admin API keeps the
 * server's 256 KiB): about 10,000 clients with their scopes.
 */
export const IMPORT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** The issuer that wrote the file: information only, never applied. */
  exportedBy: string;
  settings: Settings;
  scopes: ExportedScope[];
  clients: ExportedClient[];
  users: ExportedUser[];
  resources: ExportedResource[];
}

export interface ExportedScope {
  name: string;
  description: string;
  requiredPermission: string | null;
}

/** A client as POST /admin/v1/clients takes it, plus its id, associations and secret in a re-usable form. */
export interface ExportedClient {
  clientId: string;
  name: string;
  version: string;
  description: string;
  type: ClientType;
  redirectUris: string[];
  grants: GrantType[];
  accessTokenLifetime: AccessTokenLifetime;
  refreshCount: RefreshCount;
  active: boolean;
  introspection: boolean;
  idTokenSignedResponseAlg: IdTokenSigningAlg;
  postLogoutRedirectUris: string[];
  allowedResources: string[] | null;
  tokenExchangeAudiences: string[];
  tokenExchangeImpersonation: boolean;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  jwks: ClientJwks | null;
  jwksUri: string | null;
  requirePushedAuthorizationRequests: boolean;
  /** The associated scopes: on import, exactly these. */
  scopes: string[];
  /** Confidential clients: HMAC-SHA-256 of the secret (clients/client-secret.ts), portable between installations. */
  secretHash?: string;
  /** A secret still valid during a rotation's grace period, and until when. */
  previousSecretHash?: string;
  previousSecretExpiresAt?: string;
  /** client_secret_jwt: the secret sealed under CLIENT_SECRET_ENCRYPTION_KEY; opens only where that key is the same. */
  sealedSecret?: string;
  /** client_secret_jwt: the previous secret sealed the same way, while its grace period lasts (optional: older files lack it). */
  previousSealedSecret?: string;
}

export interface ExportedUser {
  username: string;
  permissions: string[];
  active: boolean;
  /** OpenID Connect claims, without updated_at (the importing server sets it). */
  profile: UserProfile;
  /** scrypt$N$r$p$salt$key (users/password-hasher.ts). */
  passwordHash: string | null;
}

export interface ExportedResource {
  identifier: string;
  name: string;
  scopes: string[];
  accessTokenLifetimeSeconds: number | null;
  clientId: string | null;
}
