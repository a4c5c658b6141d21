import type { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal, AuthenticatedAccess } from './access-token.js';
import { admitToken, type AdmitToken } from './token-admission.js';

interface Admitted {
  version: number;
  access: Readonly<AuthenticatedAccess>;
}

/**
 * admitToken's (or the given admission's) result for a cached principal, kept while the projection is at the version it was
 * computed at: any sync event, snapshot, local enable/disable or purge bumps the version, and the
 * next request admits the token again (a revocation or deactivation applies at once). Refusals
 * are not kept: they throw every time. Keyed weakly by the principal, which the token cache holds,
 * so an entry goes with its cached token. The access is frozen: requests share it.
 */
export class AdmissionMemo {
  private readonly admitted = new WeakMap<AccessTokenPrincipal, Admitted>();

  constructor(
    private readonly projection: RegistryProjection,
    private readonly admitWith: AdmitToken = admitToken,
  ) {}

  admit(principal: AccessTokenPrincipal): Readonly<AuthenticatedAccess> {
    const version = this.projection.version();
    const known = this.admitted.get(principal);
    if (known !== undefined && known.version === version) return known.access;
    const access = this.admitWith(principal, this.projection);
    Object.freeze(access.effectiveScopes);
    Object.freeze(access.scopes);
    const admitted = { version, access: Object.freeze(access) };
    this.admitted.set(principal, admitted);
    return admitted.access;
  }
}
