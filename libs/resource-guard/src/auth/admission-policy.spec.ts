import { describe, expect, it } from '@jest/globals';
import type { ResourceGuardConfig } from '../config/resource-guard.config.js';
import type { ExternalAuthServer } from '../external-as/external-auth-server.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { admissionPolicy } from './admission-policy.js';
import { admitLocallyEnabled, admitToken } from './token-admission.js';

const external = (ready: boolean) => ({ isReady: () => ready }) as unknown as ExternalAuthServer;
const config = (authServerMode: ResourceGuardConfig['authServerMode']) => ({ authServerMode }) as ResourceGuardConfig;

describe(admissionPolicy.name, () => {
  it('portcullis mode: waits for the registry snapshot and admits by the synced registry', () => {
    const policy = admissionPolicy(config('portcullis'), new RegistryProjection(), external(true));
    expect(policy.notReadyReason()).toBe('the registry has not been loaded yet');
    expect(policy.admit).toBe(admitToken);
  });

  it('external mode: waits for the authorization server metadata, not a snapshot, and admits by the local switch', () => {
    const projection = new RegistryProjection();
    expect(admissionPolicy(config('external'), projection, external(false)).notReadyReason()).toMatch(/metadata/);
    const policy = admissionPolicy(config('external'), projection, external(true));
    expect(policy.notReadyReason()).toBeUndefined();
    expect(policy.admit).toBe(admitLocallyEnabled);
  });
});
