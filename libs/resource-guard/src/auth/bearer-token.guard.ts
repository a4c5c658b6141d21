import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { assertNoTokenOutsideHeader, InsufficientScope, parseAccessTokenAuthorization, TemporarilyUnavailable, type PresentedAccessToken } from '#oauth';
import { RegistryProjection } from '../registry/registry-projection.js';
import { TOKEN_VERIFIER, type AccessTokenPrincipal, type AuthenticatedAccess, type TokenVerifier } from './access-token.js';
import { AdmissionMemo } from './admission-memo.js';
import { ADMISSION_POLICY, type AdmissionPolicy } from './admission-policy.js';
import { DpopBinding, type ProofContext } from './dpop-binding.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from './required-scopes.js';
import { assertAudience, missingScopes, UnknownClient } from './token-admission.js';
import { RegistryCatchUp } from '../registry/registry-catch-up.js';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';

/** What the guard reads of a request (Fastify's and Express's alike), and the access it leaves there. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** What a DPoP proof is checked against (RFC 9449 §4.3: htm, htu): Fastify's and Express's fields alike. */
  method?: string;
  url?: string;
  originalUrl?: string;
  protocol?: string;
  query?: unknown;
  body?: unknown;
  access?: AuthenticatedAccess;
  /** Why admitCached refused the DPoP proof: canActivate answers it without checking the proof again. */
  dpopRefusal?: unknown;
}

/** What a route asks of a request: these scopes (none: any admitted token), or nothing at all (@Public()). */
type RouteRequirement = readonly string[] | 'public';

/**
 * RFC 6750 bearer protection for every route marked with @RequireScopes, and, installed as the
 * app's global guard (ResourceGuardModule), for every route not marked @Public().
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly admissions: AdmissionMemo;
  /** @RequireScopes per (class, handler): metadata is fixed once the app is built. */
  private readonly requiredScopes = new WeakMap<object, WeakMap<object, RouteRequirement>>();

  constructor(
    private readonly reflector: Reflector,
    projection: RegistryProjection,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(ADMISSION_POLICY) private readonly policy: AdmissionPolicy,
    private readonly binding: DpopBinding,
    @Inject(RESOURCE_GUARD_CONFIG) private readonly config: Pick<ResourceGuardConfig, 'audience'>,
    @Inject(RegistryCatchUp) private readonly catchUp: Pick<RegistryCatchUp, 'refresh'>,
  ) {
    this.admissions = new AdmissionMemo(projection, policy.admit);
  }

  /** Synchronous for a token verified before (no promise per request); the registry checks run every time. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const required = this.required(context.getClass(), context.getHandler());
    if (required === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.dpopRefusal !== undefined) throw request.dpopRefusal;
    const presented = this.admissibleToken(request);
    const cached = this.verifier.cached?.(presented.token);
    if (cached !== undefined && !DpopBinding.applies(cached, presented)) return this.admitOrCatchUp(request, cached, required);
    return this.verifiedAndBound(request, presented, cached).then((principal) => this.admitOrCatchUp(request, principal, required));
  }

  /**
   * admit(), at once; for a client registered a moment ago (UnknownClient) the registry loads the
   * snapshot again (RegistryCatchUp) and the token is judged once more.
   */
  private admitOrCatchUp(request: AuthenticatedRequest, principal: AccessTokenPrincipal, required: readonly string[]): boolean | Promise<boolean> {
    try {
      return this.admit(request, principal, required);
    } catch (error) {
      if (!(error instanceof UnknownClient)) throw error;
      return this.catchUp.refresh().then(() => this.admit(request, principal, required));
    }
  }

  /**
   * The same checks as canActivate for a token already verified (fast-lane.ts): true once
   * `request.access` is set; false for a token not cached yet and for every refusal, which
   * canActivate then raises in Nest's pipeline (the one place errors are rendered). A DPoP-bound
   * token gets a promise: its proof is checked last, as it spends its `jti`, so a refusal before it
   * (scope, audience, registry) leaves the proof unspent for canActivate; the proof's own refusal is
   * kept for canActivate to raise without checking the signature twice.
   */
  admitCached(request: AuthenticatedRequest, type: object, handler: object): boolean | Promise<boolean> {
    let principal: AccessTokenPrincipal | undefined;
    let presented: PresentedAccessToken;
    try {
      const required = this.required(type, handler);
      if (required === 'public') return false;
      presented = this.admissibleToken(request);
      principal = this.verifier.cached?.(presented.token);
      if (principal === undefined) return false;
      this.admit(request, principal, required);
      if (!DpopBinding.applies(principal, presented)) return true;
    } catch {
      request.access = undefined;
      return false;
    }
    return this.binding.check(principal, presented, proofContextOf(request)).then(
      () => true,
      (error: unknown) => {
        request.access = undefined;
        request.dpopRefusal = error;
        return false;
      },
    );
  }

  /** A token verified (or found in the cache), then held to its DPoP binding when it has one or came as DPoP. */
  private async verifiedAndBound(request: AuthenticatedRequest, presented: PresentedAccessToken, cached: AccessTokenPrincipal | undefined): Promise<AccessTokenPrincipal> {
    const principal = cached ?? (await this.verifier.verify(presented.token));
    if (DpopBinding.applies(principal, presented)) await this.binding.check(principal, presented, proofContextOf(request));
    return principal;
  }

  /** The request's access token and its scheme, once the request may be admitted at all. */
  private admissibleToken(request: AuthenticatedRequest): PresentedAccessToken {
    assertNoTokenOutsideHeader(request.query, request.body);
    const token = parseAccessTokenAuthorization(request.headers.authorization);
    // Fail closed: without the registry, a disabled client or a revoked token would pass.
    const notReady = this.policy.notReadyReason();
    if (notReady !== undefined) throw new TemporarilyUnavailable(notReady);
    return token;
  }

  private admit(request: AuthenticatedRequest, principal: AccessTokenPrincipal, required: readonly string[]): boolean {
    assertAudience(principal, this.config.audience);
    const access = this.admissions.admit(principal);
    if (required.length > 0 && missingScopes(access, required).length > 0) throw new InsufficientScope([...required]);
    request.access = access;
    return true;
  }

  private required(type: object, handler: object): RouteRequirement {
    let byHandler = this.requiredScopes.get(type);
    if (byHandler === undefined) this.requiredScopes.set(type, (byHandler = new WeakMap()));
    let required = byHandler.get(handler);
    if (required === undefined) {
      required = this.requirementOf(type as () => unknown, handler as () => unknown);
      byHandler.set(handler, required);
    }
    return required;
  }

  /** A handler's own marks first, then its controller's: @RequireScopes over @Public() on the same level. */
  private requirementOf(type: () => unknown, handler: () => unknown): RouteRequirement {
    for (const target of [handler, type]) {
      const scopes = this.reflector.get<string[] | undefined>(REQUIRED_SCOPES, target);
      if (scopes !== undefined) return scopes;
      if (this.reflector.get<boolean | undefined>(PUBLIC_ROUTE, target) === true) return 'public';
    }
    return [];
  }
}

/** The request as the client called it: this server's scheme, the Host it was sent to, the path and query (RFC 9449 §4.3 ignores the query). */
function proofContextOf(request: AuthenticatedRequest): ProofContext {
  const host = request.headers.host;
  return {
    method: request.method ?? 'GET',
    uri: `${request.protocol ?? 'http'}://${typeof host === 'string' ? host : ''}${request.originalUrl ?? request.url ?? '/'}`,
    proof: request.headers.dpop,
  };
}
