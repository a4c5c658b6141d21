import { Inject, Injectable } from '@nestjs/common';
import { compactVerify, createLocalJWKSet } from 'jose';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore } from '../keys/key-store.js';

/** What an id_token_hint tells, once its signature is known to be ours. */
export interface IdTokenHint {
  sub: string;
  /** The clients it was issued to (aud). */
  clientIds: string[];
}

/** The algorithms this server signs id tokens with. */
const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256'];
/** Far above any id token we issue; refuses garbage before a signature check. */
const MAX_HINT_LENGTH = 8192;

/**
 * Reads an id_token_hint (OIDC Core 3.1.2.1, RP-Initiated Logout 1.0 §2): an id token this server
 * signed, with a key it publishes (RS256 or ES256) and our issuer; its expiry is ignored, as both
 * specifications allow an expired hint. Anything else (another signer, garbage) is null.
 */
@Injectable()
export class IdTokenHints {
  private readonly issuer: string;

  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
  ) {
    this.issuer = config.issuer;
  }

  async read(token: string): Promise<IdTokenHint | null> {
    if (token.length > MAX_HINT_LENGTH) return null;
    let payload: Record<string, unknown>;
    try {
      const verified = await compactVerify(token, createLocalJWKSet(this.keys.publicJwks()), { algorithms: ID_TOKEN_ALGORITHMS });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch {
      return null;
    }
    if (payload === null || typeof payload !== 'object' || payload.iss !== this.issuer || typeof payload.sub !== 'string') return null;
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud.filter((aud): aud is string => typeof aud === 'string') : [];
    return audiences.length > 0 ? { sub: payload.sub, clientIds: audiences } : null;
  }
}
