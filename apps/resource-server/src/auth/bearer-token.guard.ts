import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { InsufficientScope, TemporarilyUnavailable } from '../../../../libs/errors/src/index.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { TOKEN_VERIFIER, type AccessTokenPrincipal, type AuthenticatedAccess, type TokenVerifier } from './access-token.js';
import { assertNoTokenOutsideHeader, parseBearerAuthorization } from './bearer-header.js';
import { REQUIRED_SCOPES } from './required-scopes.js';
import { admitToken, missingScopes } from './token-admission.js';

export type AuthenticatedRequest = FastifyRequest & { access?: AuthenticatedAccess };

/** RFC 6750 bearer protection for every route marked with @RequireScopes. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly projection: RegistryProjection,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  /** Synchronous for a token verified before (no promise per request); the registry checks run every time. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    assertNoTokenOutsideHeader(request.query, request.body);
    const token = parseBearerAuthorization(request.headers.authorization);
    // Fail closed: without the registry, a disabled client or a revoked token would pass.
    if (!this.projection.isReady()) throw new TemporarilyUnavailable('the registry has not been loaded yet');
    const cached = this.verifier.cached?.(token);
    if (cached !== undefined) return this.admit(context, request, cached);
    return this.verifier.verify(token).then((principal) => this.admit(context, request, principal));
  }

  private admit(context: ExecutionContext, request: AuthenticatedRequest, principal: AccessTokenPrincipal): boolean {
    const access = admitToken(principal, this.projection);
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    if (missingScopes(access, required).length > 0) throw new InsufficientScope(required);
    request.access = access;
    return true;
  }
}
