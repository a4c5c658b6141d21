import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';
import type { IntrospectionResponse } from './introspection.service.js';

/** RFC 9701 §4: the media type a resource server asks for, and the response's Content-Type. */
export const JWT_INTROSPECTION_MEDIA_TYPE = 'application/token-introspection+jwt';
/** RFC 9701 §5: the JWT's `typ`, so that it can never pass for an access token or an id token. */
export const JWT_INTROSPECTION_TYP = 'token-introspection+jwt';
/** What the metadata advertises (introspection_signing_alg_values_supported): the access tokens' key. */
export const INTROSPECTION_SIGNING_ALGS = [SIGNING_ALG] as const;

/**
 * Whether the caller asked for a JWT response (RFC 9701 §4): the media type listed in Accept with a
 * non-zero quality. Anything else (no Accept, `application/json`, `*\/*`) keeps the plain JSON answer.
 */
export function wantsJwtIntrospection(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== JWT_INTROSPECTION_MEDIA_TYPE) return false;
    const quality = params.find((param) => param.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

/**
 * Signs an introspection answer as RFC 9701 §5 says: `iss`, `aud` (the calling client), `iat`, and
 * the RFC 7662 answer unchanged in `token_introspection` (an inactive token's too: exactly
 * `{"active": false}`). The current ES256 key, published at the JWKS like the access tokens'.
 */
@Injectable()
export class JwtIntrospectionResponse {
  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async sign(answer: IntrospectionResponse, callerClientId: string): Promise<string> {
    const { kid, key } = await this.keys.signingMaterial(SIGNING_ALG);
    return new SignJWT({ token_introspection: answer })
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: JWT_INTROSPECTION_TYP })
      .setIssuer(this.config.issuer)
      .setAudience(callerClientId)
      .setIssuedAt()
      .sign(key);
  }
}
