/** Global OAuth settings (CONTRACT.md, Settings). */
export interface Settings {
  accessTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
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
}

export const DEFAULT_SETTINGS: Omit<Settings, 'accessTokenAudience'> = {
  accessTokenLifetimeSeconds: 3600,
  authorizationCodeLifetimeSeconds: 60,
  sessionLifetimeSeconds: 28800,
  // Also written in the grants trigger of migration 1765500000000, which reads the stored setting.
  auditRetentionDays: 90,
  clientIdMetadataDocuments: false,
  clientIdMetadataDocumentHosts: [],
};
