import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidClient, OAuthError, TemporarilyUnavailable, TooManyAttempts } from '#oauth';
import { ADMISSION_POLICY, type AdmissionPolicy, type AuthenticatedAccess, type ProjectedClient, RegistryCatchUp, RegistryProjection } from '#resource-guard';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { parseBasicCredentials, type BasicCredentials } from './basic-credentials.js';
import { CheckedCredentialsCache, type CheckedCredentials } from './checked-credentials.js';
import { ClientBasicAudit } from './client-basic-audit.js';
import type { ClientBasicRefusal } from './client-basic-refusal.js';
import { ClientSecretCheck } from './client-secret-check.js';
import { FailureThrottle, type ThrottlePolicy } from './failure-throttle.js';

/** A Basic call to decide on. */
export interface BasicCall {
  authorization: string | string[] | undefined;
  /** The caller's address: the throttle's second key. */
  ip: string;
  /** The route's prefix (audit, logs). */
  route: string;
}

/** Short: a secret rotated with an overlap stays admitted no longer than this after the overlap ends. */
const CACHE_MAX_AGE_MS = 60_000;
const CACHE_ENTRIES = 10_000;
/** As the auth server throttles client authentication (SECURITY-CHECKLIST TC-10): 10 failures in 5 minutes lock for 60 s. */
const PER_IP: ThrottlePolicy = { maxFailures: 10, windowMs: 300_000, lockoutMs: 60_000 };
/**
 * The same per client id: the auth server sees every check from this server's one address, so
 * its own lock on (client, address) would fall at the tenth failure anyway; counting here spares
 * it the calls. Credentials already accepted (cached) still pass during a lock.
 */
const PER_CLIENT: ThrottlePolicy = { maxFailures: 10, windowMs: 300_000, lockoutMs: 60_000 };

/**
 * HTTP Basic for confidential clients on a route with `clientBasic: true` (issue 18 item 3): the
 * client id and secret (RFC 7617, form-encoded halves as RFC 6749 §2.3.1) admit the call as that
 * client, its identity being the client itself: subject and client id, the scopes associated
 * with it in the synced registry (the route's scope rule applies to those), no token id.
 *
 * Refused (401 invalid_client with a Basic challenge, the same for every reason, TC-2): malformed
 * credentials, a client that is unknown, public, deactivated at the auth server or disabled at
 * this resource server (all read from the synced registry first, no call made), or a secret the
 * auth server does not accept (ClientSecretCheck). Accepted credentials are cached (by a hash,
 * CheckedCredentialsCache) while the registry shows the client unchanged, so a call with them
 * costs no round trip; the cache is checked before the throttle, so that nobody can lock out a
 * client's working credentials by failing on purpose. Failures are throttled per client id and
 * per caller address (FailureThrottle, at this instance): a locked key is answered 429 with
 * Retry-After without asking the auth server, since during the lock the credentials are not
 * checked at all and a 401 would claim they were wrong. The auth server unreachable: 503.
 */
@Injectable()
export class ClientBasicAuthenticator {
  private readonly logger = new Logger('ClientBasic');
  private readonly checked = new CheckedCredentialsCache(CACHE_ENTRIES, CACHE_MAX_AGE_MS);
  private readonly byIp = new FailureThrottle(PER_IP);
  private readonly byClient = new FailureThrottle(PER_CLIENT);

  constructor(
    private readonly projection: RegistryProjection,
    private readonly catchUp: RegistryCatchUp,
    @Inject(ADMISSION_POLICY) private readonly policy: AdmissionPolicy,
    private readonly secrets: ClientSecretCheck,
    private readonly audit: ClientBasicAudit,
    private readonly metrics: RsMetrics,
  ) {}

  /** At once for credentials accepted a moment ago; a Promise when the auth server is asked. Refusals are thrown either way. */
  admit(call: BasicCall): Readonly<AuthenticatedAccess> | Promise<Readonly<AuthenticatedAccess>> {
    // Fail closed: without the registry, a deactivated or disabled client would pass.
    const notReady = this.policy.notReadyReason();
    if (notReady !== undefined) throw new TemporarilyUnavailable(notReady);
    const credentials = parseBasicCredentials(call.authorization);
    if (credentials === undefined) {
      // No client id to count against: the address's count only.
      const error = this.refused('malformed', undefined, call);
      if (this.byIp.failed(`ip ${call.ip}`)) this.audit.throttled({ reason: 'malformed', clientId: undefined, route: call.route, ip: call.ip }, 'ip', PER_IP.lockoutMs / 1000);
      throw error;
    }
    // Nothing in the registry changed since the entry was last judged: its identity stands as computed.
    const version = this.projection.version();
    const entry = this.checked.get(credentials, (candidate) => candidate.memo?.version === version || this.vouches(candidate));
    if (entry === undefined) return this.checkedAtAuthServer(credentials, call);
    if (entry.memo?.version !== version) entry.memo = { version, access: this.accessOf(this.projection.client(credentials.clientId)!) };
    return entry.memo.access;
  }

  private async checkedAtAuthServer(credentials: BasicCredentials, call: BasicCall): Promise<Readonly<AuthenticatedAccess>> {
    const { clientId } = credentials;
    const lockedForMs = Math.max(this.byIp.lockedForMs(`ip ${call.ip}`), this.byClient.lockedForMs(clientId));
    if (lockedForMs > 0) {
      this.metrics.clientBasicRefused('throttled');
      throw new TooManyAttempts(lockedForMs / 1000);
    }
    const known = this.projection.client(clientId);
    if (known !== undefined) {
      const refusal = refusalOf(known);
      if (refusal !== undefined) throw this.failed(refusal, credentials, call);
    }
    let verdict;
    try {
      verdict = await this.secrets.check(credentials);
    } catch (error) {
      const reason = error instanceof OAuthError && error.status === 429 ? 'throttled' : 'auth_server_unavailable';
      this.metrics.clientBasicRefused(reason);
      if (reason === 'auth_server_unavailable') this.logger.warn(`client ${clientId}: credentials not checked: ${(error as OAuthError).detail ?? String(error)}`);
      throw error;
    }
    if (verdict === 'wrong') throw this.failed(known === undefined ? 'unknown_client' : 'wrong_secret', credentials, call);
    // Right at the auth server, unknown here: a client created a moment ago, whose event is on its way.
    let client = known;
    if (client === undefined) {
      await this.catchUp.refresh();
      client = this.projection.client(clientId);
      if (client === undefined) throw this.failed('unknown_client', credentials, call);
    }
    // Judged again: the client may have changed here while the auth server was asked.
    const refusal = refusalOf(this.projection.client(clientId) ?? client);
    if (refusal !== undefined) throw this.failed(refusal, credentials, call);
    this.byIp.succeeded(`ip ${call.ip}`);
    this.byClient.succeeded(clientId);
    // The version the credentials were checked against: a change meanwhile makes the next call check again.
    this.checked.set(credentials, client.entityVersion);
    return this.accessOf(client);
  }

  /** A cached check holds while the registry shows the client as it was then, still admissible. */
  private vouches(entry: CheckedCredentials): boolean {
    const client = this.projection.client(entry.clientId);
    return client !== undefined && client.entityVersion === entry.entityVersion && refusalOf(client) === undefined;
  }

  /** The client's identity: itself as subject, the scopes associated with it that the registry still defines. */
  private accessOf(client: ProjectedClient): Readonly<AuthenticatedAccess> {
    const scopes = Object.freeze([...client.scopes].filter((scope) => this.projection.scope(scope) !== undefined).sort()) as string[];
    return Object.freeze({ sub: client.clientId, clientId: client.clientId, audiences: [], scopes, effectiveScopes: scopes });
  }

  /** A refusal that counts toward the throttle of the id and of the address; a lock it causes is audited too. */
  private failed(reason: ClientBasicRefusal, credentials: BasicCredentials, call: BasicCall): OAuthError {
    const error = this.refused(reason, credentials.clientId, call);
    const refusedCall = { reason, clientId: credentials.clientId, route: call.route, ip: call.ip };
    if (this.byIp.failed(`ip ${call.ip}`)) this.audit.throttled(refusedCall, 'ip', PER_IP.lockoutMs / 1000);
    if (this.byClient.failed(credentials.clientId)) this.audit.throttled(refusedCall, 'client', PER_CLIENT.lockoutMs / 1000);
    return error;
  }

  private refused(reason: ClientBasicRefusal, clientId: string | undefined, call: BasicCall): OAuthError {
    this.metrics.clientBasicRefused(reason);
    this.audit.refused({ reason, clientId, route: call.route, ip: call.ip });
    return new InvalidClient('client authentication failed', true, reason);
  }
}

/** Why the registry alone refuses a client, or undefined. */
function refusalOf(client: ProjectedClient): ClientBasicRefusal | undefined {
  if (client.type !== 'confidential') return 'public_client';
  if (!client.active) return 'inactive_client';
  if (!client.enabled) return 'disabled_client';
  return undefined;
}
