import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';
import { ACCESS_TOKEN_TYP } from './access-token-signer.js';

export interface VerifiedAccessToken extends JWTPayload {
  gid: string;
  client_id: string;
  scope: string;
  sub: string;
  iat: number;
}

/** Checks signature, typ, alg and issuer of one of our access tokens; expiry too (jose). */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  /** The claims, or null for anything that is not a valid, unexpired token of ours. */
  async verify(token: string): Promise<VerifiedAccessToken | null> {
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: [SIGNING_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.config.issuer,
      });
      return isOurs(payload) ? payload : null;
    } catch {
      return null;
    }
  }

  private async keyFor(header: JWTHeaderParameters) {
    const key = header.kid ? await this.keys.verificationKey(header.kid) : null;
    if (!key) throw new Error('unknown kid');
    return key;
  }
}

function isOurs(payload: JWTPayload): payload is VerifiedAccessToken {
  return (
    typeof payload.gid === 'string' &&
    typeof payload.client_id === 'string' &&
    typeof payload.scope === 'string' &&
    typeof payload.sub === 'string' &&
    typeof payload.iat === 'number'
  );
}
