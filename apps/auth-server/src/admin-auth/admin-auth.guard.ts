import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenProblem, TooManyRequestsProblem, UnauthorizedProblem } from '#errors';
import { parseBasicAuthorization, TooManyAttempts } from '#oauth';
import { isAdminApi } from '../admin-api/admin-api.decorator.js';
import { ADMIN_TOKEN_VERIFIER, type AdminPrincipal, type AdminRequest, type AdminTokenVerifier } from '../admin-api/admin-principal.js';
import { AuditWriter } from '../audit/audit-writer.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { AuthFailureThrottle, type ThrottleSubject, type ThrottleTicket } from '../rate-limit/auth-failure-throttle.js';
import { Permissions } from '../common/permissions.js';
import type { StoredUser } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { RecentBasicLogins } from './recent-basic-logins.js';
import { assertNotCrossSite } from './cross-site-request.js';

/**
 * CONTRACT.md, admin API: HTTP Basic as a user with `access_control`, or a bearer token with the
 * scope `admin` issued to such a user. No or wrong credentials: 401; no permission: 403.
 * Cross-site mutations are refused before any credential is looked at (cross-site-request.ts).
 * Basic is a password login on every request, so it shares the login page's throttle (the same
 * username+IP key: switching between the page, the password grant and this API gains no guesses)
 * and its audit of failures.
 * Installed app-wide by AdminAuthModule (APP_GUARD); it lets every route not marked @AdminApi() through.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly ownOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly recentLogins: RecentBasicLogins,
    private readonly throttle: AuthFailureThrottle,
    private readonly audit: AuditWriter,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
    @Inject(ADMIN_TOKEN_VERIFIER) private readonly tokenVerifier: AdminTokenVerifier,
  ) {
    this.ownOrigin = new URL(config.issuer).origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!isAdminApi(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AdminRequest>();
    assertNotCrossSite(request.method, request.headers, this.ownOrigin);
    request.adminPrincipal = await this.authenticate(request.headers.authorization, request.ip);
    const user = await this.users.findById(request.adminPrincipal.userId);
    if (!user?.active) throw new UnauthorizedProblem('the user is not active');
    if (!user.permissions.includes(Permissions.accessControl)) throw new ForbiddenProblem();
    return true;
  }

  private async authenticate(header: string | undefined, ip: string): Promise<AdminPrincipal> {
    const bearer = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? '');
    if (bearer) {
      const verified = await this.tokenVerifier.verify(bearer[1]);
      if (!verified) throw new UnauthorizedProblem('the bearer token is invalid, expired or lacks the scope admin');
      return { ...verified, via: 'bearer' };
    }
    const credentials = parseBasicAuthorization(header);
    if (!credentials) throw new UnauthorizedProblem();
    const { username, password } = credentials;
    const subject = { kind: 'login', name: username, ip } as const;
    // A password that passed a moment ago skips the KDF, but never a lockout of this username+IP.
    const lockout = await throttledProblem(() => this.throttle.check(subject));
    const recalled = await this.recentLogins.recall(username, password);
    // The right password clears the failures on record, as a full check does.
    if (recalled) await lockout.succeeded();
    const user = recalled ?? (await this.recentLogins.verifyOnce(username, password, () => this.verify(subject, password)));
    return { userId: user.id, username: user.username, via: 'basic' };
  }

  private async verify(subject: ThrottleSubject, password: string): Promise<StoredUser> {
    // Counted before the password is checked (PW-2): a parallel burst cannot slip under the limit.
    const ticket = await throttledProblem(() => this.throttle.reserve(subject));
    const stored = await this.users.authenticateStored(subject.name, password);
    if (!stored) {
      this.audit.record({ action: 'login.failed', targetType: 'user', targetId: subject.name || null, details: { via: 'admin_basic' } });
      await ticket.failed();
      throw new UnauthorizedProblem('invalid username or password');
    }
    await ticket.succeeded();
    return stored;
  }
}

/** The throttle speaks OAuth JSON errors; the admin API answers the same 429 as a problem document. */
async function throttledProblem(check: () => Promise<ThrottleTicket>): Promise<ThrottleTicket> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof TooManyAttempts) throw new TooManyRequestsProblem(error.retryAfterSeconds);
    throw error;
  }
}
