import { Injectable } from '@nestjs/common';
import { GrantTypes, InvalidGrant } from '#oauth';
import { AuditWriter } from '../../../audit/audit-writer.js';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import { AuthFailureThrottle } from '../../../rate-limit/auth-failure-throttle.js';
import { TokenIssuance } from '../../../tokens/token-issuance.js';
import { UsersService } from '../../../users/users.service.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler } from '../../grant-handler.js';
import type { TokenResponse } from '../../../tokens/token-response.js';
import { ResourceIndicators } from '../../../resources/resource-indicators.js';
import { scopesForUser } from '../../../scopes/privileged-scopes.js';
import { GrantParameters, type RequestOf } from '../../grant-parameters.js';
import { resolveRequestedScopes } from '../../scope-request.js';

const PARAMETERS = new GrantParameters(['username', 'password'], ['scope', 'resource']);

/**
 * RFC 6749 §4.3 (resource owner password credentials). Unknown user, wrong password and inactive
 * user all give the same invalid_grant (no enumeration); failures are throttled per username+IP.
 * No refresh token: refresh tokens belong to the code flow (CONTRACT.md).
 */
@Injectable()
@GrantHandlerFor(GrantTypes.password)
export class PasswordGrant implements GrantHandler<typeof PARAMETERS> {
  readonly grantType = GrantTypes.password;
  readonly parameters = PARAMETERS;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly users: UsersService,
    private readonly throttle: AuthFailureThrottle,
    private readonly issuance: TokenIssuance,
    private readonly audit: AuditWriter,
    private readonly resources: ResourceIndicators,
  ) {}

  async handle({ client, request, origin, dpopJkt }: GrantContext<RequestOf<typeof PARAMETERS>>): Promise<TokenResponse> {
    const { username, password } = request;
    const associated = await this.clients.associatedScopesOf(client);
    const requested = resolveRequestedScopes(request.scope, associated.map((scope) => scope.name));
    // A bad resource is refused before the password costs a slow hash.
    await this.resources.forToken(client, request.resource, requested);
    const ticket = await this.throttle.reserve({ kind: 'login', name: username, ip: origin.ip });
    const user = await this.users.authenticate(username, password);
    if (!user) {
      this.audit.record({ action: 'login.failed', targetType: 'user', targetId: username, details: { via: 'password_grant', clientId: client.clientId } });
      await ticket.failed();
      throw new InvalidGrant('invalid username or password');
    }
    await ticket.succeeded();
    this.audit.record({ action: 'login.succeeded', actor: { type: 'user', id: user.username }, targetType: 'user', targetId: user.id, details: { via: 'password_grant', clientId: client.clientId } });
    // Privileged scopes: asked for without the permission, invalid_scope; implied, left out.
    const scopes = scopesForUser(requested, associated, user.permissions, request.scope === undefined ? 'drop' : 'refuse');
    const target = await this.resources.forToken(client, request.resource, scopes);
    const { response } = await this.issuance.issue({
      client,
      user: { id: user.id, username: user.username },
      grantType: this.grantType,
      scopes: target.scopes,
      target,
      withRefreshToken: false,
      dpopJkt,
    });
    return response;
  }
}
