import { Inject, Injectable } from '@nestjs/common';
import { generateOpaqueValue, hashOpaqueValue } from '../../common/opaque-value.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../../config/auth-server.config.js';
import { AuthorizePageError } from '../authorize-errors.js';
import type { ValidatedAuthorizeRequest } from '../authorize-request.js';
import { csrfTokenMatches } from './csrf.js';
import type { Prompt } from '../checks/resolve-interaction.js';
import type { PendingRequest } from './pending-request.js';
import { PendingRequestsRepository } from './pending-requests.repository.js';
import { clearRequestCookie, PENDING_REQUEST_SECONDS, readCookie, REQUEST_COOKIE, serializeRequestCookie } from './request-cookie.js';

/** The OIDC side of a new request: its prompt values, and the user when a browser session signed them in. */
export interface RequestInteraction {
  prompt: Prompt[];
  signedIn?: { userId: string; authTime: Date };
}

const EXPIRED = 'This sign-in request has expired or was already used. Go back to the application and start again.';
const FORGED = 'This form was not sent from the page this server showed you, so it was not accepted.';
const TOO_MANY = 'Too many sign-in requests from your network are waiting to be finished. Finish or close one, or try again later.';

/**
 * The browser side of a pending authorization request: a random handle in an HttpOnly cookie
 * (only its hash is stored) plus a CSRF token in every form. A new handle is issued at login.
 */
@Injectable()
export class PendingRequestsService {
  private readonly secureCookies: boolean;
  private readonly perIpLimit: number;

  constructor(
    private readonly repository: PendingRequestsRepository,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
  ) {
    this.secureCookies = config.issuer.startsWith('https:');
    this.perIpLimit = config.limits.pendingAuthorizationsPerIp;
  }

  /**
   * Stores the request; returns it with the Set-Cookie value for the browser. Every GET stores a
   * row that lives PENDING_REQUEST_SECONDS, so an IP may hold at most AUTHORIZE_PENDING_PER_IP live
   * ones; past that, 429 with Retry-After (an error page: the server refuses, the client is not
   * told). Counted in the table on an index rather than in an in-memory sliding window: what must
   * be bounded is the rows themselves, which every instance shares and which outlive a restart (a
   * window per process would allow N instances N times the limit, and forget it on restart); and
   * a request that is answered or expires frees its place at once.
   */
  async open(request: ValidatedAuthorizeRequest, clientIp: string, interaction: RequestInteraction): Promise<{ pending: PendingRequest; cookie: string }> {
    const handle = generateOpaqueValue();
    const pending = this.draft(request, interaction, hashOpaqueValue(handle));
    if (!(await this.repository.insertWithinLimit(pending, clientIp, this.perIpLimit))) {
      const retryAfter = await this.repository.secondsUntilPlaceFrees(clientIp);
      throw new AuthorizePageError(429, 'Too many requests', TOO_MANY, { 'retry-after': String(retryAfter) });
    }
    return { pending, cookie: this.cookie(handle) };
  }

  /**
   * The request as it would be stored; a request that a browser session and a remembered consent
   * answer at once is never stored (nothing for the browser to come back to).
   */
  draft(request: ValidatedAuthorizeRequest, interaction: RequestInteraction, handleHash = hashOpaqueValue(generateOpaqueValue())): PendingRequest {
    return {
      handleHash,
      csrfToken: generateOpaqueValue(),
      clientRef: request.client.id,
      clientId: request.client.clientId,
      userId: interaction.signedIn?.userId ?? null,
      responseType: request.responseType,
      redirectUri: request.redirectUri,
      redirectUriSent: request.redirectUriSent,
      scopes: request.scopes,
      scopeRequested: request.scopeRequested,
      state: request.state,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      resources: request.resources,
      dpopJkt: request.dpopJkt,
      prompt: interaction.prompt,
      authTime: interaction.signedIn?.authTime ?? null,
      expiresAt: new Date(Date.now() + PENDING_REQUEST_SECONDS * 1000),
    };
  }

  /** The live request of this browser, or an error page. */
  async current(cookieHeader: string | undefined): Promise<PendingRequest> {
    const handle = readCookie(cookieHeader, REQUEST_COOKIE);
    const pending = handle ? await this.repository.findLive(hashOpaqueValue(handle)) : null;
    if (!pending) throw new AuthorizePageError(400, 'Request expired', EXPIRED);
    return pending;
  }

  /** A form post without the request's CSRF token is refused: 403, nothing happens. */
  assertCsrf(pending: PendingRequest, presented: unknown): void {
    if (!csrfTokenMatches(presented, pending.csrfToken)) throw new AuthorizePageError(403, 'Request refused', FORGED);
  }

  /** Binds the user to the request under a new handle; returns the new Set-Cookie value. */
  async signIn(pending: PendingRequest, userId: string, authTime: Date): Promise<string> {
    const handle = generateOpaqueValue();
    await this.repository.attachUser(pending.handleHash, hashOpaqueValue(handle), userId, authTime);
    return this.cookie(handle);
  }

  /** Ends the request; only the first of concurrent consent posts gets true. */
  finish(pending: PendingRequest): Promise<boolean> {
    return this.repository.take(pending.handleHash);
  }

  clearCookie(): string {
    return clearRequestCookie(this.secureCookies);
  }

  private cookie(handle: string): string {
    return serializeRequestCookie(handle, { secure: this.secureCookies, maxAgeSeconds: PENDING_REQUEST_SECONDS });
  }
}
