import { Inject, Injectable } from '@nestjs/common';
import { InsufficientScope, TemporarilyUnavailable } from '#oauth';
import { TOKEN_VERIFIER, type AuthenticatedAccess, type TokenVerifier } from '../auth/access-token.js';
import { AdmissionMemo } from '../auth/admission-memo.js';
import { assertNoTokenOutsideHeader, parseBearerAuthorization } from '../auth/bearer-header.js';
import { missingScopes } from '../auth/token-admission.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { requestPath } from '../routes/request-path.js';
import type { Route, ScopeRule } from '../routes/route.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { MethodNotAllowedProblem, NoRouteProblem, RequestPathRefused } from './route-problems.js';

/** A request to decide on, wherever it comes from (forward-auth headers, or a gateway's own request). */
export interface RouteRequest {
  method: string;
  /** The request target as the client sent it: path and query, not decoded. */
  target: string;
  authorization: string | string[] | undefined;
  /** The parsed body, when the caller has it (a gateway): a token there is refused, as on protected routes. */
  body?: unknown;
}

/** An admitted request: its route, and the caller unless the route is public. */
export interface RouteAccess {
  route: Route;
  access?: AuthenticatedAccess;
}

/**
 * The decision for a request under the route rules: the route (400 for a path refused as
 * ambiguous, 404 without a route, 405 for a method it does not allow), then for a non-public
 * route exactly the bearer check of the resource server's own protected routes
 * (BearerTokenGuard: RFC 6750 header, the registry loaded, the token verified, admitted against
 * the synced registry: client disables, deactivations, revocations, scopes still granted).
 * Refusals are thrown as the same errors, so they render with the same status and challenge.
 */
@Injectable()
export class RouteAuthorizer {
  private readonly admissions: AdmissionMemo;

  constructor(
    private readonly matcher: RouteMatcher,
    private readonly projection: RegistryProjection,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {
    this.admissions = new AdmissionMemo(projection);
  }

  async authorize(request: RouteRequest): Promise<RouteAccess> {
    const route = this.routeOf(request.method, request.target);
    if (route.scopes === 'public') return { route };
    assertNoTokenOutsideHeader(queryOf(request.target), request.body);
    const token = parseBearerAuthorization(request.authorization);
    // Fail closed: without the registry, a disabled client or a revoked token would pass.
    if (!this.projection.isReady()) throw new TemporarilyUnavailable('the registry has not been loaded yet');
    const principal = this.verifier.cached?.(token) ?? (await this.verifier.verify(token));
    const access = this.admissions.admit(principal);
    assertScopes(access, route.scopes);
    return { route, access };
  }

  private routeOf(method: string, target: string): Route {
    const path = requestPath(target);
    if (!path.ok) throw new RequestPathRefused(path.reason);
    const match = this.matcher.match(method.toUpperCase(), path.path);
    if (match.kind === 'no-route') throw new NoRouteProblem();
    if (match.kind === 'method-not-allowed') throw new MethodNotAllowedProblem(match.allow);
    return match.route;
  }
}

function queryOf(target: string): Record<string, string> {
  const start = target.indexOf('?');
  if (start === -1) return {};
  const end = target.indexOf('#', start);
  return Object.fromEntries(new URLSearchParams(target.slice(start + 1, end === -1 ? undefined : end)));
}

/** allOf: every scope (none: any admitted token); anyOf: at least one. The 403 names what the route asks. */
function assertScopes(access: AuthenticatedAccess, rule: Exclude<ScopeRule, 'public'>): void {
  if ('allOf' in rule) {
    if (missingScopes(access, rule.allOf).length > 0) throw new InsufficientScope([...rule.allOf]);
  } else if (!rule.anyOf.some((scope) => access.effectiveScopes.includes(scope))) {
    throw new InsufficientScope([...rule.anyOf]);
  }
}
