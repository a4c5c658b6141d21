import { Inject, Injectable } from '@nestjs/common';
import type { IdTokenSigningAlg } from '../clients/id-token-signing-alg.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore } from '../keys/key-store.js';
import { ID_TOKEN_LIFETIME_SECONDS } from '../keys/signing-key.js';
import { signCompactJws } from './compact-es256.js';
import { signOnPool } from './es256-signing-thread.js';
import { idTokenPayload } from './id-token.js';

export interface IdTokenRequest {
  clientId: string;
  alg: IdTokenSigningAlg;
  subject: string;
  authTime: Date;
  nonce?: string | null;
  /** The access token answered with it, when there is one (at_hash). */
  accessToken?: string;
}

/**
 * The only place that signs id tokens (OIDC Core §2), with the client's algorithm and the current
 * key of that algorithm. `typ: JWT`, never `at+jwt`: an id token is refused as an access token
 * (RFC 9068 §4, SECURITY-CHECKLIST RS-8).
 */
@Injectable()
export class IdTokenSigner {
  private readonly headers = new Map<string, object>();

  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async sign(request: IdTokenRequest): Promise<string> {
    const { kid, key } = await this.keys.signingMaterial(request.alg);
    const issuedAt = Math.floor(Date.now() / 1000);
    const payload = idTokenPayload({
      issuer: this.config.issuer,
      subject: request.subject,
      clientId: request.clientId,
      issuedAt,
      expiresAt: issuedAt + ID_TOKEN_LIFETIME_SECONDS,
      authTime: Math.floor(request.authTime.getTime() / 1000),
      nonce: request.nonce,
      accessToken: request.accessToken,
    });
    return signCompactJws(this.headerFor(request.alg, kid), payload, key, signOnPool);
  }

  /** One header object per key, so that it is encoded once (signCompactJws caches by object). */
  private headerFor(alg: IdTokenSigningAlg, kid: string): object {
    let header = this.headers.get(kid);
    if (!header) {
      header = { alg, kid, typ: 'JWT' };
      this.headers.set(kid, header);
    }
    return header;
  }
}
