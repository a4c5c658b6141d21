/** The client vocabulary of CONTRACT.md, shared by the admin API and the OAuth endpoints. */
export const GrantTypes = {
  authorizationCode: 'authorization_code',
  clientCredentials: 'client_credentials',
  password: 'password',
  implicit: 'implicit',
  refreshToken: 'refresh_token',
} as const;
export type GrantType = (typeof GrantTypes)[keyof typeof GrantTypes];

export type ClientType = 'confidential' | 'public';

/** Grants a client may be registered for, by type (CONTRACT.md, OAuth endpoints). */
export const GRANTS_BY_TYPE: Record<ClientType, readonly GrantType[]> = {
  confidential: [GrantTypes.authorizationCode, GrantTypes.clientCredentials, GrantTypes.password],
  public: [GrantTypes.implicit, GrantTypes.authorizationCode],
};

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
