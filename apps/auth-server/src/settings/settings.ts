/** Global OAuth settings (CONTRACT.md, Settings). */
export interface Settings {
  accessTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
  /** How long a device authorization request (RFC 8628) waits for the user; its codes' expires_in. */
  deviceCodeLifetimeSeconds: number;
  /** How long a browser session (single sign-on) lasts after its login. */
  sessionLifetimeSeconds: number;
  accessTokenAudience: string;
  /** Days an audit event is kept; the retention job removes older ones (docs/retention.md). */
  auditRetentionDays: number;
  /** Whether an https URL may be a client_id, resolved through its client ID metadata document (docs/client-metadata-documents.md). */
  clientIdMetadataDocuments: boolean;
  /**
   * Origin patterns (`scheme://host:port`, port `*` for any) whose documents may be fetched over
   * http or from a private or loopback address: for tests and internal deployments. Empty: only
   * https on public addresses.
   */
  clientIdMetadataDocumentHosts: string[];
  /** RFC 9126 §6: every authorization request must be pushed first (/oauth/par), whatever the client's own flag. */
  requirePushedAuthorizationRequests: boolean;
  /** Who may register clients at /oauth/register (RFC 7591; docs/registration.md). */
  dynamicRegistration: DynamicRegistrationMode;
  /** What a dynamically registered client may be, and how often one IP may register. */
  registrationPolicy: RegistrationPolicy;
  /** Whether a DPoP proof at the token endpoint must carry the server's nonce (RFC 9449 §8): `use_dpop_nonce` tells the client the current one. */
  dpopNonceRequired: boolean;
}

export const DYNAMIC_REGISTRATION_MODES = ['off', 'initial-access-token', 'open'] as const;
export type DynamicRegistrationMode = (typeof DYNAMIC_REGISTRATION_MODES)[number];

/** The grant types a registration may ask for: never password (a self-registered client is not trusted with passwords). */
export const POLICY_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code'] as const;
export type PolicyGrantType = (typeof POLICY_GRANT_TYPES)[number];

export interface RegistrationPolicy {
  grantTypes: PolicyGrantType[];
  maxScopes: number;
  /** Registration requests per IP and clock hour under the open mode. */
  registrationsPerIpPerHour: number;
  /** A dynamic client without a token or a change for this many days is removed; 0 never. */
  deleteUnusedAfterDays: number;
}

export const DEFAULT_REGISTRATION_POLICY: RegistrationPolicy = {
  grantTypes: ['authorization_code', 'refresh_token'],
  maxScopes: 10,
  registrationsPerIpPerHour: 20,
  deleteUnusedAfterDays: 30,
};

export const DEFAULT_SETTINGS: Omit<Settings, 'accessTokenAudience'> = {
  accessTokenLifetimeSeconds: 3600,
  authorizationCodeLifetimeSeconds: 60,
  deviceCodeLifetimeSeconds: 600,
  sessionLifetimeSeconds: 28800,
  // Also written in the grants trigger of migration 1765500000000, which reads the stored setting.
  auditRetentionDays: 90,
  clientIdMetadataDocuments: false,
  clientIdMetadataDocumentHosts: [],
  dynamicRegistration: 'off',
  requirePushedAuthorizationRequests: false,
  registrationPolicy: DEFAULT_REGISTRATION_POLICY,
  dpopNonceRequired: false,
};
