import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';
import { signCompactEs256 } from './compact-es256.js';

/** RFC 9068 media type of our access tokens. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface AccessTokenClaims {
  grantId: string;
  grantType: string;
  clientId: string;
  /** The username for user grants, the client id for client_credentials. */
  subject: string;
  scopes: string[];
  audience: string;
  issuedAt: number;
  /** Seconds since the epoch; undefined when the lifetime is "never". */
  expiresAt?: number;
}

/** The only place that signs access tokens: one ES256 signature per token. */
@Injectable()
export class AccessTokenSigner {
  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async sign(claims: AccessTokenClaims): Promise<string> {
    const { kid, key } = await this.keys.signingMaterial();
    // Claim order as jose's SignJWT produced it (RFC 9068 claims; exp left out for "never").
    const payload = {
      client_id: claims.clientId,
      scope: claims.scopes.join(' '),
      gid: claims.grantId,
      gty: claims.grantType,
      iss: this.config.issuer,
      aud: claims.audience,
      sub: claims.subject,
      iat: claims.issuedAt,
      jti: randomBytes(16).toString('base64url'),
      ...(claims.expiresAt !== undefined ? { exp: claims.expiresAt } : {}),
    };
    return signCompactEs256({ alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid }, payload, key);
  }
}
