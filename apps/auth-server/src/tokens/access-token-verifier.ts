import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_TYP, type AccessTokenPayload } from '#oauth';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';

/** The claims introspection and revocation rely on, checked present (isOurs). */
export type VerifiedAccessToken = JWTPayload & Pick<AccessTokenPayload, 'gid' | 'client_id' | 'scope' | 'sub' | 'iat' | 'cnf'>;

/** Verified tokens remembered (introspection sees the same token again and again). */
const MAX_REMEMBERED = 10_000;
const REMEMBER_MS = 5 * 60_000;

/**
 * Checks signature, typ, alg and issuer of one of our access tokens; expiry too (jose).
 * A token string verified before skips the ES256 check (same bytes, same signature), but its
 * expiry and its key's publication are checked again on every call: a retired key stops it.
 * Only the signature is remembered; revocation is the caller's business (grant state).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new Map<string, { payload: VerifiedAccessToken; kid: string; deadline: number }>();

  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  /** The claims, or null for anything that is not a valid, unexpired token of ours. */
  async verify(token: string): Promise<VerifiedAccessToken | null> {
    const remembered = this.verified.get(token);
    if (remembered) {
      if (remembered.deadline > Date.now() && (await this.keys.verificationKey(remembered.kid))) return remembered.payload;
      this.verified.delete(token);
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: [SIGNING_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.config.issuer,
      });
      if (!isOurs(payload)) return null;
      this.remember(token, payload, protectedHeader.kid as string);
      return payload;
    } catch {
      return null;
    }
  }

  private remember(token: string, payload: VerifiedAccessToken, kid: string): void {
    const deadline = Math.min(Date.now() + REMEMBER_MS, payload.exp === undefined ? Infinity : payload.exp * 1000);
    if (this.verified.size >= MAX_REMEMBERED) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { payload, kid, deadline });
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
