import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { InsufficientScope, MissingBearerToken } from '#oauth';
import { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal, AuthenticatedAccess, TokenVerifier } from './access-token.js';
import type { AdmissionPolicy } from './admission-policy.js';
import { BearerTokenGuard, type AuthenticatedRequest } from './bearer-token.guard.js';
import { Public, RequireScopes } from './require-scopes.decorator.js';

const principal: AccessTokenPrincipal = { sub: 'user-1', clientId: 'notes-client', scopes: ['notes.read'], tokenId: 'jti-1' };
const verifier: TokenVerifier = { verify: async () => principal };
const policy: AdmissionPolicy = { notReadyReason: () => undefined, admit: (token): AuthenticatedAccess => ({ ...token, effectiveScopes: [...token.scopes] }) };

class Unmarked {
  handler(): void {}
}

@Public()
class PublicController {
  open(): void {}
  @RequireScopes('notes.read')
  scoped(): void {}
}

@RequireScopes('notes.read')
class ScopedController {
  inherited(): void {}
  @RequireScopes('notes.write')
  stricter(): void {}
  @Public()
  open(): void {}
}

function contextOf(type: object, handler: () => void, authorization?: string): { context: ExecutionContext; request: AuthenticatedRequest } {
  const request: AuthenticatedRequest = { headers: authorization ? { authorization } : {} };
  const context = { getClass: () => type, getHandler: () => handler, switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { context, request };
}

/** What a route asks for, installed app-wide (ResourceGuardModule) or per route (@RequireScopes). */
describe(BearerTokenGuard.name, () => {
  const guard = new BearerTokenGuard(new Reflector(), new RegistryProjection(), verifier, policy);

  it('lets a @Public() route through without a token, and leaves no access on the request', async () => {
    const { context, request } = contextOf(PublicController, PublicController.prototype.open);
    expect(await guard.canActivate(context)).toBe(true);
    expect(request.access).toBeUndefined();
    const method = contextOf(ScopedController, ScopedController.prototype.open);
    expect(await guard.canActivate(method.context)).toBe(true);
  });

  it('asks a token of an unmarked route (the app-wide guard) and of @RequireScopes under a @Public() controller', () => {
    expect(() => guard.canActivate(contextOf(Unmarked, Unmarked.prototype.handler).context)).toThrow(MissingBearerToken);
    expect(() => guard.canActivate(contextOf(PublicController, PublicController.prototype.scoped).context)).toThrow(MissingBearerToken);
  });

  it('admits a token on an unmarked route and hands the access to the handler', async () => {
    const { context, request } = contextOf(Unmarked, Unmarked.prototype.handler, 'Bearer a.b.c');
    expect(await guard.canActivate(context)).toBe(true);
    expect(request.access).toMatchObject({ sub: 'user-1', clientId: 'notes-client', effectiveScopes: ['notes.read'], tokenId: 'jti-1' });
  });

  it("takes the controller's scopes unless the handler names its own", async () => {
    expect(await guard.canActivate(contextOf(ScopedController, ScopedController.prototype.inherited, 'Bearer a.b.c').context)).toBe(true);
    await expect(guard.canActivate(contextOf(ScopedController, ScopedController.prototype.stricter, 'Bearer a.b.c').context)).rejects.toBeInstanceOf(
      InsufficientScope,
    );
  });
});
