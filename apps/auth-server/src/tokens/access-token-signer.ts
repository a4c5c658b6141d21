import { Inject, Injectable } from '@nestjs/common';
import { randomFillSync, type KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_TYP, formatScope, type AccessTokenPayload, type ActorClaim } from '#oauth';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';
import { signCompactEs256 } from './compact-es256.js';
import { Es256SigningThread } from './es256-signing-thread.js';

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
  /** RFC 9449: the thumbprint of the DPoP key the token is bound to (`cnf.jkt`); undefined for a bearer token. */
  dpopJkt?: string;
  /** RFC 8693 delegation: who acts for the subject. */
  act?: ActorClaim;
}

/** The only place that signs access tokens: one ES256 signature per token. */
@Injectable()
export class AccessTokenSigner {
  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly signingThread: Es256SigningThread,
  ) {}

  private readonly signature = (input: string, key: KeyObject): Promise<string> => this.signingThread.sign(input, key);

  async sign(claims: AccessTokenClaims): Promise<string> {
    const { kid, key } = await this.keys.signingMaterial();
    // Claim order as jose's SignJWT produced it (RFC 9068 claims; exp left out for "never").
    const payload: AccessTokenPayload = {
      client_id: claims.clientId,
      scope: formatScope(claims.scopes),
      gid: claims.grantId,
      gty: claims.grantType,
      iss: this.config.issuer,
      aud: claims.audience,
      sub: claims.subject,
      iat: claims.issuedAt,
      jti: randomJti(),
      ...(claims.expiresAt !== undefined ? { exp: claims.expiresAt } : {}),
      ...(claims.dpopJkt !== undefined ? { cnf: { jkt: claims.dpopJkt } } : {}),
      ...(claims.act ? { act: claims.act } : {}),
    };
    return signCompactEs256(this.headerFor(kid), payload, key, this.signature);
  }

  /** One header object per kid, so that compact-es256 encodes it once (it caches by object). */
  private header?: { alg: typeof SIGNING_ALG; typ: typeof ACCESS_TOKEN_TYP; kid: string };
  private headerFor(kid: string): { alg: typeof SIGNING_ALG; typ: typeof ACCESS_TOKEN_TYP; kid: string } {
    if (this.header?.kid !== kid) this.header = { alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid };
    return this.header;
  }
}

/**
 * 128 random bits per jti from a pool filled by the CSPRNG 256 ids at a time (each byte used once):
 * one randomFillSync call per 256 tokens instead of one per token (it showed in the profile).
 */
const JTI_BYTES = 16;
const jtiPool = Buffer.alloc(JTI_BYTES * 256);
let jtiOffset = jtiPool.length;
function randomJti(): string {
  if (jtiOffset === jtiPool.length) {
    randomFillSync(jtiPool);
    jtiOffset = 0;
  }
  const jti = jtiPool.toString('base64url', jtiOffset, jtiOffset + JTI_BYTES);
  jtiOffset += JTI_BYTES;
  return jti;
}
