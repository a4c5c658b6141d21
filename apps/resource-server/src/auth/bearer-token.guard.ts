import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { assertNoTokenOutsideHeader, InsufficientScope, parseBearerAuthorization, TemporarilyUnavailable } from '#oauth';
import { RegistryProjection } from '../registry/registry-projection.js';
import { TOKEN_VERIFIER, type AccessTokenPrincipal, type AuthenticatedAccess, type TokenVerifier } from './access-token.js';
import { AdmissionMemo } from './admission-memo.js';
import { ADMISSION_POLICY, type AdmissionPolicy } from './admission-policy.js';
import { REQUIRED_SCOPES } from './required-scopes.js';
import { missingScopes } from './token-admission.js';

export type AuthenticatedRequest = FastifyRequest & { access?: AuthenticatedAccess };

/** RFC 6750 bearer protection for every route marked with @RequireScopes. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly admissions: AdmissionMemo;
  /** @RequireScopes per (class, handler): metadata is fixed once the app is built. */
  private readonly requiredScopes = new WeakMap<object, WeakMap<object, readonly string[]>>();

  constructor(
    private readonly reflector: Reflector,
    projection: RegistryProjection,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(ADMISSION_POLICY) private readonly policy: AdmissionPolicy,
  ) {
    this.admissions = new AdmissionMemo(projection, policy.admit);
  }

  /** Synchronous for a token verified before (no promise per request); the registry checks run every time. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.admissibleToken(request);
    const required = this.required(context.getClass(), context.getHandler());
    const cached = this.verifier.cached?.(token);
    if (cached !== undefined) return this.admit(request, cached, required);
    return this.verifier.verify(token).then((principal) => this.admit(request, principal, required));
  }

  /**
   * The same checks as canActivate for a token already verified (fast-lane.ts): true once
   * `request.access` is set; false for a token not cached yet and for every refusal, which
   * canActivate then raises in Nest's pipeline (the one place errors are rendered).
   */
  admitCached(request: AuthenticatedRequest, type: object, handler: object): boolean {
    try {
      const cached = this.verifier.cached?.(this.admissibleToken(request));
      return cached !== undefined && this.admit(request, cached, this.required(type, handler));
    } catch {
      return false;
    }
  }

  /** The request's bearer token, once the request may be admitted at all. */
  private admissibleToken(request: AuthenticatedRequest): string {
    assertNoTokenOutsideHeader(request.query, request.body);
    const token = parseBearerAuthorization(request.headers.authorization);
    // Fail closed: without the registry, a disabled client or a revoked token would pass.
    const notReady = this.policy.notReadyReason();
    if (notReady !== undefined) throw new TemporarilyUnavailable(notReady);
    return token;
  }

  private admit(request: AuthenticatedRequest, principal: AccessTokenPrincipal, required: readonly string[]): boolean {
    const access = this.admissions.admit(principal);
    if (required.length > 0 && missingScopes(access, required).length > 0) throw new InsufficientScope([...required]);
    request.access = access;
    return true;
  }

  private required(type: object, handler: object): readonly string[] {
    let byHandler = this.requiredScopes.get(type);
    if (byHandler === undefined) this.requiredScopes.set(type, (byHandler = new WeakMap()));
    let required = byHandler.get(handler);
    if (required === undefined) {
      required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [handler as () => unknown, type as () => unknown]) ?? [];
      byHandler.set(handler, required);
    }
    return required;
  }
}
