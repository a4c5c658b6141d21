import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ForbiddenProblem, TooManyRequestsProblem, UnauthorizedProblem } from '#errors';
import { TooManyAttempts } from '#oauth';
import { AuditWriter } from '../audit/audit-writer.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { AuthFailureThrottle, type ThrottleTicket } from '../rate-limit/auth-failure-throttle.js';
import { Permissions } from '../users/user.js';
import { UsersService } from '../users/users.service.js';
import { ADMIN_TOKEN_VERIFIER, type AdminPrincipal, type AdminTokenVerifier } from './admin-principal.js';
import { parseBasicAuthorization } from './basic-credentials.js';
import { assertNotCrossSite } from './cross-site-request.js';

export type AdminRequest = FastifyRequest & { adminPrincipal?: AdminPrincipal };

/**
 * CONTRACT.md, admin API: HTTP Basic as a user with `access_control`, or a bearer token with the
 * scope `admin` issued to such a user. No or wrong credentials: 401; no permission: 403.
 * Cross-site mutations are refused before any credential is looked at (cross-site-request.ts).
 * Basic is a password login on every request, so it shares the login page's throttle (the same
 * username+IP key: switching between the page, the password grant and this API gains no guesses)
 * and its audit of failures.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly ownOrigin: string;

  constructor(
    private readonly users: UsersService,
    private readonly throttle: AuthFailureThrottle,
    private readonly audit: AuditWriter,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
    @Optional() @Inject(ADMIN_TOKEN_VERIFIER) private readonly tokenVerifier?: AdminTokenVerifier,
  ) {
    this.ownOrigin = new URL(config.issuer).origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
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
    if (bearer && this.tokenVerifier) {
      const verified = await this.tokenVerifier.verify(bearer[1]);
      if (!verified) throw new UnauthorizedProblem('the bearer token is invalid, expired or lacks the scope admin');
      return { ...verified, via: 'bearer' };
    }
    const credentials = parseBasicAuthorization(header);
    if (!credentials) throw new UnauthorizedProblem();
    // Counted before the password is checked (PW-2): a parallel burst cannot slip under the limit.
    const ticket = await throttledProblem(() => this.throttle.reserve({ kind: 'login', name: credentials.username, ip }));
    const user = await this.users.authenticate(credentials.username, credentials.password);
    if (!user) {
      this.audit.record({ action: 'login.failed', targetType: 'user', targetId: credentials.username || null, details: { via: 'admin_basic' } });
      await ticket.failed();
      throw new UnauthorizedProblem('invalid username or password');
    }
    await ticket.succeeded();
    return { userId: user.id, username: user.username, via: 'basic' };
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
