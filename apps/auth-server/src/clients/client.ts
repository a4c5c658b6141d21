import type { ClientType, GrantType } from '#oauth';

export type AccessTokenLifetime = { mode: 'global' } | { mode: 'never' } | { mode: 'seconds'; seconds: number };
export type RefreshCount = { mode: 'unlimited' } | { mode: 'limited'; limit: number };

/** The domain view of a client. Secret hashes stay inside the clients module. */
export interface Client {
  /** Internal row id (foreign keys); never shown by the API. */
  id: string;
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
  /** Learns about every token at /oauth/introspect (a resource server); otherwise only about its own. */
  introspection: boolean;
  entityVersion: number;
  createdAt: Date;
  updatedAt: Date;
}
