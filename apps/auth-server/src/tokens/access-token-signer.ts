import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';

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
    const jwt = new SignJWT({ client_id: claims.clientId, scope: claims.scopes.join(' '), gid: claims.grantId, gty: claims.grantType })
      .setProtectedHeader({ alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid })
      .setIssuer(this.config.issuer)
      .setAudience(claims.audience)
      .setSubject(claims.subject)
      .setIssuedAt(claims.issuedAt)
      .setJti(randomBytes(16).toString('base64url'));
    if (claims.expiresAt !== undefined) jwt.setExpirationTime(claims.expiresAt);
    return jwt.sign(key);
  }
}
