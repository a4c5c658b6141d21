import { CONSOLE_CLIENT_ID } from '../console/console-client.js';
import type { AuthServerConfig } from '../config/auth-server.config.js';

/**
 * What each installation provisions for itself and so never leaves in an export nor takes from
 * an import: the console's client, the resource server's client (RESOURCE_CLIENT_ID, whose secret
 * is the installation's configuration), and the resource of its own admin API (AUTH_ISSUER).
 */
export function reservedOf(config: Pick<AuthServerConfig, 'issuer' | 'resourceClient'>): { clientIds: Set<string>; resources: Set<string> } {
  return {
    clientIds: new Set([CONSOLE_CLIENT_ID, ...(config.resourceClient ? [config.resourceClient.clientId] : [])]),
    resources: new Set([config.issuer]),
  };
}
