import { Inject, Injectable } from '@nestjs/common';
import { InsufficientScope, isBasicAuthorization, OAuthError, parseAccessTokenAuthorization, TemporarilyUnavailable, type PresentedAccessToken } from '#oauth';
import { TOKEN_VERIFIER, type AccessTokenPrincipal, type AuthenticatedAccess, type TokenVerifier, AdmissionMemo, ADMISSION_POLICY, type AdmissionPolicy, assertAudience, assertNoTokenOutsideHeader, DpopBinding, missingScopes, RegistryCatchUp, RegistryProjection, UnknownClient, withResourceMetadata } from '#resource-guard';
import { ClientBasicAuthenticator } from '../client-basic/client-basic-authenticator.js';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { requestPath } from '../routes/request-path.js';
import type { Route, ScopeRule } from '../routes/route.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { routeMetadataUrl } from './route-metadata.js';
import { MethodNotAllowedProblem, NoRouteProblem, RequestPathRefused } from './route-problems.js';

/** A request to decide on, wherever it comes from (forward-auth headers, or a gateway's own request). */
export interface RouteRequest {
  method: string;
  /** The request target as the client sent it: path and query, not decoded. */
  target: string;
  authorization: string | string[] | undefined;
  /** The DPoP proof header (RFC 9449 §7), and the scheme and host the client called: its `htu` is origin + path. */
  dpop?: string | string[];
  origin?: string;
  /**
   * The caller's address (a gateway: the connection's; forward auth: as the proxy describes it,
   * caller-ip.ts): the throttle of Basic client credentials counts failures by it.
   */
  ip?: string;
  /** The parsed body, when the caller has it (a gateway): a token there is refused, as on protected routes. */
  body?: unknown;
  /**
   * Set by authorize, refused or not: the prefix of the route the request fell under, or
   * UNMATCHED_ROUTE (no route, or a path refused). The metrics' route label: bounded by the table.
   */
  routeLabel?: string;
}

/**
 * A RouteRequest with every field, in one order. Why: the authorizer reads these objects on every
 * request, and objects of one shape keep its property reads monomorphic; a description spread into
 * a literal (and given routeLabel afterwards) made /auth/verify cost more CPU than its decision
 * (bench/edge.js; docs/performance.md, "Session 11"). Build every RouteRequest with it.
 */
export function routeRequest(fields: Omit<RouteRequest, 'routeLabel'>): RouteRequest {
  return {
    method: fields.method,
    target: fields.target,
    authorization: fields.authorization,
    dpop: fields.dpop,
    origin: fields.origin,
    ip: fields.ip,
    body: fields.body,
    routeLabel: undefined,
  };
}

/** As the auth server's (and InvalidClient's) Basic challenge. */
const BASIC_CHALLENGE = 'Basic realm="portcullis", charset="UTF-8"';

/** The metrics' route label of a request no route covers. */
export const UNMATCHED_ROUTE = 'unmatched';

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
 * Refusals are thrown as the same errors, so they render with the same status and challenge; a
 * 401's challenge also names the RFC 9728 metadata (resource_metadata, §5.1), as MCP clients expect.
 */
@Injectable()
export class RouteAuthorizer {
  private readonly admissions: AdmissionMemo;
  constructor(
    @Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig,
    private readonly matcher: RouteMatcher,
    projection: RegistryProjection,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(ADMISSION_POLICY) private readonly policy: AdmissionPolicy,
    private readonly binding: DpopBinding,
    private readonly catchUp: RegistryCatchUp,
    private readonly clientBasic: ClientBasicAuthenticator,
  ) {
    this.admissions = new AdmissionMemo(projection, policy.admit);
  }

  async authorize(request: RouteRequest): Promise<RouteAccess> {
    return this.decide(request);
  }

  /**
   * authorize(), answered at once (no promise, no microtask) when the route is public or the
   * token was verified before, which is every request after a token's first: forward auth is
   * asked once per request a proxy forwards. A Promise only when the token must be verified.
   * Refusals are thrown either way: synchronously, or as the promise's rejection.
   */
  decide(request: RouteRequest): RouteAccess | Promise<RouteAccess> {
    const route = this.routeOf(request);
    if (route.scopes === 'public') return { route };
    if (route.clientBasic && isBasicAuthorization(request.authorization)) return this.basicAdmitted(request, route);
    try {
      const presented = this.tokenOf(request);
      const principal = this.verifier.cached?.(presented.token);
      if (principal !== undefined && !DpopBinding.applies(principal, presented)) {
        const decided = this.admittedOrCaughtUp(principal, route);
        return decided instanceof Promise ? decided.catch((error: unknown) => Promise.reject(this.challenged(error, route))) : decided;
      }
      return this.verifiedAndBound(request, presented, principal)
        .then((verified) => this.admittedOrCaughtUp(verified, route))
        .catch((error: unknown) => Promise.reject(this.challenged(error, route)));
    } catch (error) {
      throw this.challenged(error, route);
    }
  }

  /**
   * decide()'s answer when it is an admission that needs nothing more (a public route, or a
   * Bearer token verified before and admitted now), else undefined: a refusal, a token to verify,
   * DPoP, Basic credentials, a registry catch-up. Nothing is spent or counted either way (no DPoP
   * `jti`, no Basic failure), so a caller that gets undefined can ask decide() as if this never ran:
   * the gateway's lane (gateway/gateway-lane.ts) hands such requests to Fastify.
   */
  admittedAtOnce(request: RouteRequest): RouteAccess | undefined {
    if (request.dpop !== undefined) return undefined;
    try {
      const route = this.routeOf(request);
      if (route.scopes === 'public') return { route };
      if (route.clientBasic && isBasicAuthorization(request.authorization)) return undefined;
      const presented = this.tokenOf(request);
      const principal = this.verifier.cached?.(presented.token);
      if (principal === undefined || DpopBinding.applies(principal, presented)) return undefined;
      return { route, access: this.admitted(principal, route) };
    } catch {
      return undefined;
    }
  }

  /**
   * A confidential client by its id and secret (client-basic/), on a route that allows it; then the
   * route's scope rule, applied to the client's associated scopes. Its refusals carry a Basic
   * challenge, not the bearer one.
   */
  private basicAdmitted(request: RouteRequest, route: Route): RouteAccess | Promise<RouteAccess> {
    const call = { authorization: request.authorization, ip: request.ip ?? '', route: route.pathPrefix };
    const scoped = (access: AuthenticatedAccess): RouteAccess => {
      assertScopes(access, route.scopes as Exclude<ScopeRule, 'public'>);
      return { route, access };
    };
    const admitted = this.clientBasic.admit(call);
    return admitted instanceof Promise ? admitted.then(scoped) : scoped(admitted);
  }

  private admittedOrCaughtUp(principal: AccessTokenPrincipal, route: Route): RouteAccess | Promise<RouteAccess> {
    try {
      return { route, access: this.admitted(principal, route) };
    } catch (error) {
      if (!(error instanceof UnknownClient)) throw error;
      return this.admittedAfterCatchUp(principal, route);
    }
  }

  /** A client registered a moment ago: the registry loads the snapshot again (RegistryCatchUp), then the token is judged once more. */
  private async admittedAfterCatchUp(principal: AccessTokenPrincipal, route: Route): Promise<RouteAccess> {
    await this.catchUp.refresh();
    return { route, access: this.admitted(principal, route) };
  }

  /** A token verified (or cached), then held to its DPoP binding when it has one or came as DPoP. */
  private async verifiedAndBound(request: RouteRequest, presented: PresentedAccessToken, cached: AccessTokenPrincipal | undefined): Promise<AccessTokenPrincipal> {
    const principal = cached ?? (await this.verifier.verify(presented.token));
    if (DpopBinding.applies(principal, presented)) {
      await this.binding.check(principal, presented, { method: request.method.toUpperCase(), uri: `${request.origin ?? 'http://'}${request.target}`, proof: request.dpop });
    }
    return principal;
  }

  /** The access token of a request to a protected route and its scheme, once the registry (or external metadata) is ready. */
  private tokenOf(request: RouteRequest): PresentedAccessToken {
    assertNoTokenOutsideHeader(queryOf(request.target), request.body);
    const token = parseAccessTokenAuthorization(request.authorization);
    // Fail closed: without the registry (or, in external mode, the metadata) nothing is admitted.
    const notReady = this.policy.notReadyReason();
    if (notReady !== undefined) throw new TemporarilyUnavailable(notReady);
    return token;
  }

  /** Admitted for the route's resource (RFC 8707: its own, or RESOURCE_AUDIENCE), then by the registry, then by its scope rule. */
  private admitted(principal: AccessTokenPrincipal, route: Route): AuthenticatedAccess {
    assertAudience(principal, route.resource ?? this.config.audience);
    const access = this.admissions.admit(principal);
    assertScopes(access, route.scopes as Exclude<ScopeRule, 'public'>);
    return access;
  }

  /**
   * A 401's challenge also names the route's RFC 9728 metadata; on a clientBasic route it offers
   * Basic too (RFC 9110 §11.6.1: challenges in a list), since many Basic clients send their
   * credentials only once challenged for them.
   */
  private challenged(error: unknown, route: Route): unknown {
    if (error instanceof OAuthError && error.status === 401) {
      withResourceMetadata(error, routeMetadataUrl(this.config.audience, route));
      const challenge = error.headers['WWW-Authenticate'];
      if (route.clientBasic && challenge !== undefined && !challenge.includes('Basic realm=')) error.withHeader('WWW-Authenticate', `${challenge}, ${BASIC_CHALLENGE}`);
    }
    return error;
  }

  private routeOf(request: RouteRequest): Route {
    request.routeLabel = UNMATCHED_ROUTE;
    const path = requestPath(request.target);
    if (!path.ok) throw new RequestPathRefused(path.reason);
    const match = this.matcher.match(request.method.toUpperCase(), path.path);
    if (match.kind === 'no-route') throw new NoRouteProblem();
    if (match.kind === 'method-not-allowed') {
      request.routeLabel = match.pathPrefix;
      throw new MethodNotAllowedProblem(match.allow);
    }
    request.routeLabel = match.route.pathPrefix;
    return match.route;
  }
}

/** The query of a target without one: shared, nothing writes to it. */
const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;

function queryOf(target: string): Record<string, string> {
  const start = target.indexOf('?');
  if (start === -1) return NO_QUERY;
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
