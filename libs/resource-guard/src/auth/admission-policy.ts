import type { ResourceGuardConfig } from '../config/resource-guard.config.js';
import type { ExternalAuthServer } from '../external-as/external-auth-server.js';
import type { RegistryProjection } from '../registry/registry-projection.js';
import { admitLocallyEnabled, admitToken, type AdmitToken } from './token-admission.js';

/** When tokens may be admitted at all, and by which rules: the one place the guard sees AUTH_SERVER_MODE. */
export interface AdmissionPolicy {
  /** Why no token can be admitted yet (fail closed), or undefined once it can. */
  notReadyReason(): string | undefined;
  admit: AdmitToken;
}

export const ADMISSION_POLICY = Symbol('ADMISSION_POLICY');

export function admissionPolicy(config: ResourceGuardConfig, projection: RegistryProjection, external: ExternalAuthServer): AdmissionPolicy {
  if (config.authServerMode === 'external') {
    return {
      notReadyReason: () => (external.isReady() ? undefined : 'the authorization server metadata has not been fetched yet'),
      admit: admitLocallyEnabled,
    };
  }
  // Without the registry, a disabled client or a revoked token would pass.
  return { notReadyReason: () => (projection.isReady() ? undefined : 'the registry has not been loaded yet'), admit: admitToken };
}
