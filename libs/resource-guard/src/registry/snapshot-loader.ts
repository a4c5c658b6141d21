import { fetchRegistrySnapshot, type RegistrySnapshot } from '#sync';
import type { ResourceGuardConfig } from '../config/resource-guard.config.js';

/** Where snapshots come from; a token so that the embedded launcher could hand one in directly. */
export const SNAPSHOT_LOADER = Symbol('SNAPSHOT_LOADER');
export type SnapshotLoader = () => Promise<RegistrySnapshot>;

/** The auth server's snapshot endpoint, authenticated as the resource server's client. */
export function httpSnapshotLoader(config: ResourceGuardConfig): SnapshotLoader {
  return () => {
    if (!config.client) return Promise.reject(new Error('RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET are needed to load the registry snapshot'));
    return fetchRegistrySnapshot({ issuer: config.authServerUrl, clientId: config.client.clientId, clientSecret: config.client.clientSecret });
  };
}
