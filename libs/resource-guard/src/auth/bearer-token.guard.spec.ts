import { beforeAll, describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { accessTokenHash, jwkThumbprint, MemoryReplayStore } from '#dpop';
import { InsufficientScope, InvalidDpopProof, InvalidDpopToken, MissingBearerToken } from '#oauth';
import { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal, AuthenticatedAccess, TokenVerifier } from './access-token.js';
import type { AdmissionPolicy } from './admission-policy.js';
import { BearerTokenGuard, type AuthenticatedRequest } from './bearer-token.guard.js';
import { DpopBinding } from './dpop-binding.js';
import { Public, RequireScopes } from './require-scopes.decorator.js';

const AUDIENCE = 'https://notes.example';
const principal: AccessTokenPrincipal = { audiences: [AUDIENCE], sub: 'user-1', clientId: 'notes-client', scopes: ['notes.read'], tokenId: 'jti-1' };
const BOUND_TOKEN = 'bound.token.x';
let boundPrincipal: AccessTokenPrincipal;
const verifier: TokenVerifier = { verify: async (token) => (token === BOUND_TOKEN ? boundPrincipal : principal) };
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
  const guard = new BearerTokenGuard(new Reflector(), new RegistryProjection(), verifier, policy, new DpopBinding(new MemoryReplayStore()), { audience: AUDIENCE }, { refresh: async () => undefined });

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

  describe('DPoP-bound tokens (RFC 9449 §7)', () => {
    let key: CryptoKey;
    let jwk: JWK;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      key = pair.privateKey;
      jwk = await exportJWK(pair.publicKey);
      boundPrincipal = { ...principal, tokenId: 'jti-bound', jkt: jwkThumbprint(jwk as Record<string, unknown>) };
    });

    function proof(claims: Record<string, unknown> = {}, signingKey = key, publicJwk = jwk): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: crypto.randomUUID(), htm: 'GET', htu: 'http://rs.test/notes', iat: now, ath: accessTokenHash(BOUND_TOKEN), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
        .sign(signingKey);
    }

    function dpopContext(authorization: string, dpop?: string) {
      const { context, request } = contextOf(Unmarked, Unmarked.prototype.handler, authorization);
      Object.assign(request, { method: 'GET', url: '/notes?page=2', protocol: 'http' });
      request.headers.host = 'rs.test';
      if (dpop !== undefined) request.headers.dpop = dpop;
      return { context, request };
    }

    it('admits a bound token with the DPoP scheme and a fresh proof for this request, once per proof', async () => {
      const fresh = await proof();
      const { context, request } = dpopContext(`DPoP ${BOUND_TOKEN}`, fresh);
      expect(await guard.canActivate(context)).toBe(true);
      expect(request.access).toMatchObject({ tokenId: 'jti-bound' });
      await expect(guard.canActivate(dpopContext(`DPoP ${BOUND_TOKEN}`, fresh).context)).rejects.toBeInstanceOf(InvalidDpopProof);
    });

    it('refuses a bound token sent as a bearer token, and an unbound token sent as DPoP', async () => {
      await expect(guard.canActivate(dpopContext(`Bearer ${BOUND_TOKEN}`, await proof()).context)).rejects.toBeInstanceOf(InvalidDpopToken);
      await expect(guard.canActivate(dpopContext('DPoP a.b.c', await proof({ ath: accessTokenHash('a.b.c') })).context)).rejects.toBeInstanceOf(InvalidDpopToken);
    });

    it('refuses a missing proof, a proof for another URI, without ath, and one signed by another key', async () => {
      const other = await generateKeyPair('ES256');
      const refusals = [
        dpopContext(`DPoP ${BOUND_TOKEN}`),
        dpopContext(`DPoP ${BOUND_TOKEN}`, await proof({ htu: 'http://rs.test/other' })),
        dpopContext(`DPoP ${BOUND_TOKEN}`, await proof({ ath: undefined })),
        dpopContext(`DPoP ${BOUND_TOKEN}`, await proof({}, other.privateKey, await exportJWK(other.publicKey))),
      ];
      for (const { context } of refusals) {
        const error = await (guard.canActivate(context) as Promise<boolean>).catch((refusal: unknown) => refusal);
        expect(error).toBeInstanceOf(InvalidDpopProof);
        expect((error as InvalidDpopProof).status).toBe(401);
        expect((error as InvalidDpopProof).headers['WWW-Authenticate']).toMatch(/^DPoP error="invalid_dpop_proof"/);
      }
    });

    describe('admitCached with a DPoP-bound token (the fast lane, for a token verified before)', () => {
      const cachedVerifier: TokenVerifier = { ...verifier, cached: (token) => (token === BOUND_TOKEN ? boundPrincipal : undefined) };
      const laneGuard = new BearerTokenGuard(new Reflector(), new RegistryProjection(), cachedVerifier, policy, new DpopBinding(new MemoryReplayStore()), { audience: AUDIENCE }, { refresh: async () => undefined });
      const scoped = (authorization: string, dpop: string) => {
        const { context, request } = dpopContext(authorization, dpop);
        return { request, context: { ...context, getClass: () => ScopedController, getHandler: () => ScopedController.prototype.stricter } as ExecutionContext };
      };

      it('admits with a fresh proof; a replayed one is refused once, canActivate raising that refusal', async () => {
        const fresh = await proof();
        const first = dpopContext(`DPoP ${BOUND_TOKEN}`, fresh).request;
        expect(await laneGuard.admitCached(first, Unmarked, Unmarked.prototype.handler)).toBe(true);
        expect(first.access).toMatchObject({ tokenId: 'jti-bound' });
        const again = dpopContext(`DPoP ${BOUND_TOKEN}`, fresh);
        expect(await laneGuard.admitCached(again.request, Unmarked, Unmarked.prototype.handler)).toBe(false);
        expect(again.request.access).toBeUndefined();
        expect(again.request.dpopRefusal).toBeInstanceOf(InvalidDpopProof);
        expect(() => laneGuard.canActivate(again.context)).toThrow(again.request.dpopRefusal as Error);
      });

      it('leaves a refusal before the proof to canActivate, the proof unspent; a bearer token is not its case', async () => {
        const fresh = await proof();
        const { context, request } = scoped(`DPoP ${BOUND_TOKEN}`, fresh);
        expect(laneGuard.admitCached(request, ScopedController, ScopedController.prototype.stricter)).toBe(false);
        expect(request.dpopRefusal).toBeUndefined();
        await expect(laneGuard.canActivate(context)).rejects.toBeInstanceOf(InsufficientScope);
        expect(laneGuard.admitCached(dpopContext('Bearer a.b.c', fresh).request, Unmarked, Unmarked.prototype.handler)).toBe(false);
      });
    });
  });
});
