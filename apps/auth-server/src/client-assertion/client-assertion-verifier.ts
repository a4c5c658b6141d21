import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { ReplayStore } from '#dpop';
import type { Client } from '../clients/client.js';
import { REPLAY_STORE } from '../replay/replay-store.provider.js';
import { AssertionRefused } from './assertion-refused.js';
import { CLIENT_SECRET_JWT_ALGS, PRIVATE_KEY_JWT_ALGS } from './client-assertion-algs.js';
import { ClientKeys } from './client-keys.js';

/** CONTRACT "More grants": `exp` within 5 min. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clocks of client and server may differ by this much (exp, nbf, iat). */
const CLOCK_SKEW_SECONDS = 5;
/** Assertions are small; this bounds the work done before the signature check. */
const MAX_ASSERTION_LENGTH = 8192;
/** The jti is a key of the replay store. */
const MAX_JTI_LENGTH = 256;

export interface AssertionExpectations {
  /** The audiences accepted: the issuer and the URLs of the endpoints the assertion may be for. */
  audiences: string[];
  /** client_secret_jwt: the secrets the HMAC may be keyed with (current, then previous during an overlap). */
  secrets?: () => Promise<string[]>;
  nowSeconds?: number;
}

/**
 * Checks a client assertion (RFC 7523 §3) for a client already looked up by its `sub`:
 * signature by the method's keys and algorithms (private_key_jwt: the client's public keys,
 * asymmetric algorithms; client_secret_jwt: HS256/384/512 with its secret), `iss` = `sub` = the
 * client id, `aud` one of the expected, `exp` present and at most 5 minutes ahead, `nbf` and `iat`
 * not in the future, and a `jti` seen for the first time (the shared replay store, key
 * `assertion:<client_id>:<jti>`, until `exp`). Throws AssertionRefused with the reason.
 */
@Injectable()
export class ClientAssertionVerifier {
  constructor(
    private readonly keys: ClientKeys,
    @Inject(REPLAY_STORE) private readonly replay: ReplayStore,
  ) {}

  async verify(client: Client, assertion: string, expected: AssertionExpectations): Promise<void> {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw new AssertionRefused('the client assertion is too long');
    const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
    const payload = await this.verified(client, assertion, expected, now);
    const { exp, jti, iat } = payload;
    if (typeof exp !== 'number') throw new AssertionRefused('the client assertion has no exp');
    if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw new AssertionRefused(`the client assertion expires more than ${MAX_ASSERTION_LIFETIME_SECONDS} s ahead`);
    if (iat !== undefined && iat > now + CLOCK_SKEW_SECONDS) throw new AssertionRefused('the client assertion was issued in the future');
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw new AssertionRefused('the client assertion needs a jti of 1 to 256 characters');
    if (!(await this.replay.firstUse(`assertion:${client.clientId}:${jti}`, exp + CLOCK_SKEW_SECONDS))) throw new AssertionRefused('the client assertion was used before (jti replayed)');
  }

  private async verified(client: Client, assertion: string, expected: AssertionExpectations, now: number): Promise<JWTPayload> {
    const options = {
      issuer: client.clientId,
      subject: client.clientId,
      audience: expected.audiences,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(now * 1000),
    };
    try {
      if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
        const keys: JWTVerifyGetKey = await this.keys.keysOf(client);
        return (await jwtVerify(assertion, keys, { ...options, algorithms: [...PRIVATE_KEY_JWT_ALGS] })).payload;
      }
      if (client.tokenEndpointAuthMethod === 'client_secret_jwt') return await this.verifiedWithSecret(assertion, expected, options);
    } catch (error) {
      throw refusal(error);
    }
    throw new AssertionRefused(`the client authenticates with ${client.tokenEndpointAuthMethod}, not a client assertion`);
  }

  /** The current secret first; the previous one only when the signature failed with the current (an overlap window). */
  private async verifiedWithSecret(assertion: string, expected: AssertionExpectations, options: Parameters<typeof jwtVerify>[2]): Promise<JWTPayload> {
    const secrets = (await expected.secrets?.()) ?? [];
    if (secrets.length === 0) throw new AssertionRefused('the client secret is not available for client_secret_jwt on this server');
    let failure: unknown;
    for (const secret of secrets) {
      try {
        return (await jwtVerify(assertion, new TextEncoder().encode(secret), { ...options, algorithms: [...CLIENT_SECRET_JWT_ALGS] })).payload;
      } catch (error) {
        if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) throw error;
        failure = error;
      }
    }
    throw failure;
  }
}

/** jose's errors in words for the audit trail; anything else (a bug) is still a refusal, never a 500. */
function refusal(error: unknown): AssertionRefused {
  if (error instanceof AssertionRefused) return error;
  if (error instanceof joseErrors.JWTExpired) return new AssertionRefused('the client assertion has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new AssertionRefused(`the client assertion's ${error.claim} claim is not acceptable (${error.reason})`);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new AssertionRefused('the client assertion alg is not allowed for the client\'s authentication method');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new AssertionRefused('the client assertion signature is invalid');
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new AssertionRefused('no registered key of the client matches the client assertion');
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return new AssertionRefused('several registered keys match the client assertion: it must name its kid');
  if (error instanceof joseErrors.JOSEError) return new AssertionRefused(`the client assertion is not acceptable: ${error.message}`);
  return new AssertionRefused(`the client assertion could not be verified: ${(error as Error)?.message ?? String(error)}`);
}
