import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { ResourceCatalog } from '../resources/resource-catalog.js';
import { mayPresent } from '../resources/in-the-audience.js';
import { AccessTokenVerifier, type VerifiedAccessToken } from '../tokens/access-token-verifier.js';
import type { GrantWithState } from '../tokens/grant.js';
import { GrantsRepository } from '../tokens/grants.repository.js';
import { hashToken, looksLikeJwt } from '../tokens/refresh-token.js';
import { LiveGrantCache } from './live-grant-cache.js';

/** RFC 7662 §2.2: an inactive token gets exactly this, nothing else. */
export const INACTIVE = { active: false } as const;

export type IntrospectionResponse = typeof INACTIVE | ({ active: true } & Record<string, unknown>);

/** The answer, and whether its token was ever issued here (TokenScanThrottle counts those that were not). */
export interface Introspection {
  answer: IntrospectionResponse;
  issuedHere: boolean;
}

const ISSUED_INACTIVE: Introspection = { answer: INACTIVE, issuedHere: true };

/** An access token that is active now, as introspection judges it (userinfo asks the same question). */
export interface ActiveAccessToken {
  claims: VerifiedAccessToken;
  grant: GrantWithState;
  /** The token's scopes still associated with its client. */
  scopes: string[];
}

/**
 * Active means: our signature, not expired, and its grant (one joined query) not revoked, with
 * the client still active and the user, if any, still there and active (IN-3, IN-4).
 *
 * Who may ask (RFC 7662 §2.1, IN-2): a client flagged `introspection` (a resource server) learns
 * about every token; any other client only about its own, and every other token reads as exactly
 * INACTIVE, so that the answer does not even tell whether the token exists.
 *
 * The scope answered is the one the token still grants: the token's scopes that are still
 * associated with its client. That is what a resource server enforces (it narrows a token's
 * scopes to its client's current ones, RS-11) and what a refresh would grant (RT-9), so a
 * disassociated scope reads the same at both servers. The client and its scopes come from
 * ClientCache: no query on a hit.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantsRepository,
    private readonly liveGrants: LiveGrantCache,
    private readonly clients: ClientAuthenticator,
    private readonly catalog: ResourceCatalog,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async introspect(caller: Client, token: string): Promise<Introspection> {
    return looksLikeJwt(token) ? this.accessToken(caller, token) : this.refreshToken(caller, token);
  }

  /** The token with its live grant, or null when introspection would call it inactive. */
  async activeAccessToken(token: string): Promise<ActiveAccessToken | null> {
    const claims = await this.verifier.verify(token);
    return claims ? this.withLiveGrant(claims) : null;
  }

  private async accessToken(caller: Client, token: string): Promise<Introspection> {
    const { claims, signedHere } = await this.verifier.check(token);
    if (!claims) return { answer: INACTIVE, issuedHere: signedHere };
    if (!(await this.mayLearnAboutAccessToken(caller, claims))) return ISSUED_INACTIVE;
    const active = await this.withLiveGrant(claims);
    return active ? { answer: accessTokenAnswer(active), issuedHere: true } : ISSUED_INACTIVE;
  }

  /**
   * CONTRACT: a flagged client learns about any token, and any other about its own tokens and those
   * it is in the audience of (an audience is its client_id or a resource it represents), as token
   * exchange decides who may present a token. The catalog is read only off the hot path (the
   * resource server's client is flagged).
   */
  private async mayLearnAboutAccessToken(caller: Client, claims: VerifiedAccessToken): Promise<boolean> {
    if (mayLearnAbout(caller, claims.client_id)) return true;
    const catalog = await this.catalog.current();
    return mayPresent(caller, claims, (identifier) => catalog.get(identifier));
  }

  private async withLiveGrant(claims: VerifiedAccessToken): Promise<ActiveAccessToken | null> {
    const grant = await this.liveGrants.get(claims.gid, () => this.grants.findWithState(claims.gid), isLive);
    if (!grant || !isLive(grant) || grant.clientId !== claims.client_id) return null;
    return { claims, grant, scopes: await this.stillGranted(grant.clientId, claims.scope.split(' ')) };
  }

  /** A refresh token not found may be one rotated out: ours, spent (asked only on a miss). */
  private async refreshToken(caller: Client, token: string): Promise<Introspection> {
    const hash = hashToken(token);
    const grant = await this.grants.findByRefreshHash(hash);
    if (!grant) return { answer: INACTIVE, issuedHere: (await this.grants.findGrantIdOfUsedRefresh(hash)) !== null };
    if (!isLive(grant) || !mayLearnAbout(caller, grant.clientId)) return ISSUED_INACTIVE;
    return { answer: await this.refreshTokenAnswer(grant), issuedHere: true };
  }

  private async refreshTokenAnswer(grant: GrantWithState): Promise<IntrospectionResponse> {
    return {
      active: true,
      scope: (await this.stillGranted(grant.clientId, grant.scopes)).join(' '),
      client_id: grant.clientId,
      ...(grant.username ? { username: grant.username } : {}),
      token_type: 'refresh_token',
      iat: Math.floor(grant.issuedAt.getTime() / 1000),
      sub: grant.username ?? grant.clientId,
      iss: this.config.issuer,
    };
  }

  /** The token's scopes still associated with its client. */
  private async stillGranted(clientId: string, scopes: readonly string[]): Promise<string[]> {
    const client = await this.clients.find(clientId);
    const associated = client ? await this.clients.scopesOf(client) : [];
    return scopes.filter((scope) => scope !== '' && associated.includes(scope));
  }
}

function mayLearnAbout(caller: Client, tokenClientId: string): boolean {
  return caller.introspection || caller.clientId === tokenClientId;
}

function isLive(grant: GrantWithState): boolean {
  return !grant.revokedAt && grant.clientActive && (grant.userId === null || grant.userActive === true);
}

function accessTokenAnswer({ claims, grant, scopes }: ActiveAccessToken): IntrospectionResponse {
  return {
    active: true,
    scope: scopes.join(' '),
    client_id: claims.client_id,
    ...(grant.username ? { username: grant.username } : {}),
    // RFC 9449 §6.2: a DPoP-bound token says so, with the key it is bound to.
    token_type: claims.cnf ? 'DPoP' : 'Bearer',
    ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
    ...(claims.exp !== undefined ? { exp: claims.exp } : {}),
    iat: claims.iat,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
    // Not in RFC 7662, which allows more members: a resource server tells client-only tokens apart by it (CC-4).
    gty: claims.gty,
    // RFC 8693 §4.1: who acts for the subject, in a token made by delegation.
    ...(claims.act !== undefined ? { act: claims.act } : {}),
  };
}
